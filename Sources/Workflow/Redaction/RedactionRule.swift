/// One entry of a workflow's `redact:` list: a built-in detector, or a regular expression with
/// the label agents see in its place (`[order reference removed]`).
public enum RedactionRule: Sendable, Hashable, CustomStringConvertible {
    case detector(RedactionDetector)
    case pattern(label: String, expression: String)

    /// A custom expression is bounded: it runs on every chat line, and a long one is harder to
    /// check for catastrophic backtracking.
    public static let patternLengthLimit = 200
    public static let labelLengthLimit = 40

    public var label: String {
        switch self {
        case .detector(let detector): detector.label
        case .pattern(let label, _): label
        }
    }

    public var description: String { label }
}

/// The detectors Switchboard knows without a pattern.
public enum RedactionDetector: String, Sendable, Hashable, CaseIterable {
    /// 13–19 digits, perhaps grouped by spaces or dashes, passing the Luhn check.
    case card
    /// An IBAN (ISO 13616), perhaps grouped by spaces, passing its mod-97 check.
    case iban
    case email
    /// An international number (`+44 20 7946 0958`, `0049 30 901820`) or a grouped national one
    /// (`(415) 555-2671`, `020 7946 0958`).
    case phone

    /// What the text says in its place: `[card removed]`.
    public var label: String {
        switch self {
        case .card: "card"
        case .iban: "iban"
        case .email: "email"
        case .phone: "phone"
        }
    }
}
