/// Breaks a line of clean text into rows no wider than a number of columns: at spaces where it
/// can, inside a word when a word alone is too wide, never splitting a wide character.
public enum Wrapping {
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        guard DisplayWidth.of(text) > width else { return [text] }
        var rows: [String] = []
        var row = "", rowWidth = 0
        // Words keep the spaces before them, so a row break falls at a space.
        for word in words(text) {
            let wordWidth = DisplayWidth.of(word)
            if rowWidth + wordWidth <= width {
                row += word
                rowWidth += wordWidth
                continue
            }
            let trimmed = word.drop { $0 == " " }
            let trimmedWidth = DisplayWidth.of(trimmed)
            if trimmedWidth <= width, rowWidth > 0 {
                rows.append(row)
                row = String(trimmed)
                rowWidth = trimmedWidth
                continue
            }
            // Too wide for any row: cut it where the row ends.
            for character in rowWidth == 0 ? Substring(trimmed) : Substring(word) {
                let characterWidth = DisplayWidth.of(character)
                if rowWidth + characterWidth > width, rowWidth > 0 {
                    rows.append(row)
                    row = ""
                    rowWidth = 0
                    if character == " " { continue }
                }
                row.append(character)
                rowWidth += characterWidth
            }
        }
        if !row.isEmpty || rows.isEmpty { rows.append(row) }
        return rows
    }

    /// Splits into words, each with the spaces before it.
    private static func words(_ text: String) -> [Substring] {
        var words: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        var inWord = false
        while index < text.endIndex {
            let isSpace = text[index] == " "
            if isSpace, inWord {
                words.append(text[start..<index])
                start = index
                inWord = false
            } else if !isSpace {
                inWord = true
            }
            index = text.index(after: index)
        }
        if start < text.endIndex { words.append(text[start...]) }
        return words
    }

    /// The longest prefix of `text` that fits `width` columns.
    public static func prefix(_ text: some StringProtocol, width: Int) -> String {
        var result = "", used = 0
        for character in text {
            let characterWidth = DisplayWidth.of(character)
            if used + characterWidth > width { break }
            result.append(character)
            used += characterWidth
        }
        return result
    }

    /// The longest suffix of `text` that fits `width` columns.
    public static func suffix(_ text: some StringProtocol, width: Int) -> String {
        var result: [Character] = [], used = 0
        for character in text.reversed() {
            let characterWidth = DisplayWidth.of(character)
            if used + characterWidth > width { break }
            result.append(character)
            used += characterWidth
        }
        return String(result.reversed())
    }
}
