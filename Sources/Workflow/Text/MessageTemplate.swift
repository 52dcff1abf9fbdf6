/// Text for visitors or agents with placeholders such as `{position}`, checked when the workflow
/// loads so that a typo never reaches a visitor as `{postion}`.
///
/// `{{` and `}}` stand for literal braces.
public struct MessageTemplate: Sendable, Hashable, CustomStringConvertible {
    /// A value the router fills in.
    public enum Placeholder: String, Sendable, CaseIterable, Comparable {
        case position, eta, queue, agent, visitor

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private enum Segment: Sendable, Hashable {
        case text(String)
        case placeholder(Placeholder)
    }

    /// The template as written.
    public let text: String
    private let segments: [Segment]

    /// Parses `text`, accepting only the placeholders in `allowed`.
    public init(_ text: String, allowing allowed: Set<Placeholder> = Set(Placeholder.allCases)) throws(WorkflowValueError) {
        self.text = text
        segments = try Self.segments(of: text, allowing: allowed)
    }

    /// For built-in texts (the defaults, the router's own), which are known to be valid.
    public init(builtIn text: String) {
        do {
            try self.init(text)
        } catch {
            preconditionFailure("built-in template '\(text)': \(error)")
        }
    }

    /// The placeholders the template uses.
    public var placeholders: Set<Placeholder> {
        Set(segments.compactMap { if case .placeholder(let name) = $0 { name } else { nil } })
    }

    /// The text with each placeholder replaced by its value; a value not given renders as nothing.
    public func render(_ values: TemplateValues) -> String {
        segments.map { segment in
            switch segment {
            case .text(let text): text
            case .placeholder(let placeholder): values[placeholder] ?? ""
            }
        }.joined()
    }

    public var description: String { text }

    private static func segments(of text: String, allowing allowed: Set<Placeholder>) throws(WorkflowValueError) -> [Segment] {
        var segments: [Segment] = []
        var literal = ""
        var rest = Substring(text)
        while let character = rest.first {
            rest = rest.dropFirst()
            switch character {
            case "{" where rest.first == "{", "}" where rest.first == "}":
                literal.append(character)
                rest = rest.dropFirst()
            case "{":
                guard let close = rest.firstIndex(of: "}") else {
                    throw WorkflowValueError("'{' without a closing '}' (write {{ for a literal brace)")
                }
                let name = String(rest[..<close])
                rest = rest[rest.index(after: close)...]
                guard let placeholder = Placeholder(rawValue: name), allowed.contains(placeholder) else {
                    throw unknown(name, allowed: allowed)
                }
                if !literal.isEmpty { segments.append(.text(literal)) }
                literal = ""
                segments.append(.placeholder(placeholder))
            case "}":
                throw WorkflowValueError("'}' without an opening '{' (write }} for a literal brace)")
            default:
                literal.append(character)
            }
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        return segments
    }

    private static func unknown(_ name: String, allowed: Set<Placeholder>) -> WorkflowValueError {
        let names = allowed.sorted().map(\.rawValue)
        let known = names.isEmpty ? "none" : names.map { "{\($0)}" }.joined(separator: ", ")
        if Placeholder(rawValue: name) != nil {
            return WorkflowValueError("{\(name)} has no value in this text (placeholders here: \(known))")
        }
        let guess = Suggestion.closest(to: name, among: names).map { "; did you mean {\($0)}?" } ?? ""
        return WorkflowValueError("unknown placeholder {\(name)}\(guess) (placeholders here: \(known))")
    }
}
