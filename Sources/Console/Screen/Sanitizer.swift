/// Makes text from others (visitors, the server) safe to draw: nothing in it can move the
/// cursor, change colours, clear the screen or reorder the line. Control characters become
/// visible pictures (ESC shows as `␛`, so `\e[2J` reads `␛[2J`), C1 controls and bidirectional
/// overrides become `�`; tabs become a space.
public enum Sanitizer {
    /// One line of drawable text (newlines too become pictures: split lines first with `lines`).
    public static func clean(_ text: some StringProtocol) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(contentsOf: replacement(scalar))
        }
        return String(result)
    }

    /// The lines of a message (`\n`, `\r\n` or `\r` separated), each cleaned.
    public static func lines(_ text: some StringProtocol) -> [String] {
        // By scalars: "\r\n" is one Character.
        var lines: [String] = []
        var line = String.UnicodeScalarView()
        var afterReturn = false
        for scalar in text.unicodeScalars {
            defer { afterReturn = scalar == "\r" }
            if scalar == "\n", afterReturn { continue }
            if scalar == "\n" || scalar == "\r" {
                lines.append(clean(String(line)))
                line = String.UnicodeScalarView()
            } else {
                line.append(scalar)
            }
        }
        lines.append(clean(String(line)))
        return lines
    }

    private static func replacement(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        switch scalar.value {
        case 0x09: [" "]
        case 0x00..<0x20: [Unicode.Scalar(0x2400 + scalar.value)!]  // ␀ … ␟ (ESC is ␛)
        case 0x7F: ["\u{2421}"]  // ␡
        case 0x80..<0xA0, 0x202A...0x202E, 0x2066...0x2069, 0x200E...0x200F, 0x061C: ["\u{FFFD}"]
        default: [scalar]
        }
    }

    /// Whether `text` is already safe (what the canvas checks before drawing).
    public static func isClean(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.allSatisfy { replacement($0) == [$0] }
    }
}
