import Foundation

/// Removes what a workflow's `redact:` list names from a chat line, leaving `[label removed]`.
/// Pure and synchronous: the router runs it on every visitor and agent line before the line is
/// stored or passed on.
public struct Redactor: Sendable {
    public let rules: [RedactionRule]
    private let detectors: [RedactionDetector]
    private let patterns: [(label: String, expression: NSRegularExpression)]

    /// Nothing redacted.
    public static let none = Redactor(checked: [])

    /// Fails for a custom rule whose expression does not compile, is too long, or matches no text
    /// at all (it would mark every gap between characters).
    public init(_ rules: [RedactionRule]) throws(WorkflowValueError) {
        for rule in rules {
            if case .pattern(let label, let expression) = rule { _ = try Self.compile(expression, label: label) }
        }
        self.init(checked: rules)
    }

    private init(checked rules: [RedactionRule]) {
        self.rules = rules
        // Built-ins in a fixed order whatever the file's: a card's digits must go as a card
        // before the phone detector could take part of them.
        detectors = RedactionDetector.allCases.filter { rules.contains(.detector($0)) }
        patterns = rules.compactMap { rule in
            guard case .pattern(let label, let expression) = rule else { return nil }
            return (try? Self.compile(expression, label: label)).map { (label, $0) }
        }
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// `text` with every match replaced by `[label removed]`.
    public func redact(_ text: String) -> Redaction {
        guard !rules.isEmpty else { return Redaction(text: text, removed: []) }
        var text = text
        var removed: [String] = []
        for detector in detectors {
            var scalars = Array(text.unicodeScalars)
            let spans = detector.spans(in: scalars)
            guard !spans.isEmpty else { continue }
            let mark = Array(Self.mark(detector.label).unicodeScalars)
            for span in spans.reversed() { scalars.replaceSubrange(span, with: mark) }
            text = String(String.UnicodeScalarView(scalars))
            removed.append(detector.label)
        }
        for (label, expression) in patterns {
            // Empty matches (`x?` between two characters) are skipped: they remove nothing.
            let matches = expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).filter { $0.range.length > 0 }
            guard !matches.isEmpty else { continue }
            // From the last: the offsets of earlier matches stay valid.
            for match in matches.reversed() {
                if let range = Range(match.range, in: text) { text.replaceSubrange(range, with: Self.mark(label)) }
            }
            if !removed.contains(label) { removed.append(label) }
        }
        return Redaction(text: text, removed: removed)
    }

    /// What agents and the transcript see in place of the data.
    public static func mark(_ label: String) -> String { "[\(label) removed]" }

    static func compile(_ expression: String, label: String) throws(WorkflowValueError) -> NSRegularExpression {
        guard !expression.isEmpty else { throw WorkflowValueError("the pattern of '\(label)' is empty") }
        guard expression.count <= RedactionRule.patternLengthLimit else {
            throw WorkflowValueError("the pattern of '\(label)' is \(expression.count) characters long; "
                + "at most \(RedactionRule.patternLengthLimit) are allowed")
        }
        let compiled: NSRegularExpression
        do {
            compiled = try NSRegularExpression(pattern: expression)
        } catch {
            throw WorkflowValueError("the pattern of '\(label)' is not a valid regular expression: \(expression)")
        }
        if compiled.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
            throw WorkflowValueError("the pattern of '\(label)' matches empty text; it must match at least one character")
        }
        return compiled
    }
}
