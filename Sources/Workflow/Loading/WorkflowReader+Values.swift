import Foundation
import Yams

// Typed values: numbers, flags, durations, choices, templates and names.
extension WorkflowReader {
    func int(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        value(node, what) { text throws(WorkflowValueError) in
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw WorkflowValueError("must be a whole number, not '\(text)'")
            }
            guard range.contains(number) else {
                let allowed = range.upperBound == .max ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
                throw WorkflowValueError("must be \(allowed), not \(number)")
            }
            return number
        }
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        value(node, what) { text throws(WorkflowValueError) in
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw WorkflowValueError("must be true or false, not '\(text)'")
            }
        }
    }

    /// A duration; zero only where `allowZero` (a timer that may fire at once).
    func duration(_ node: Node, _ what: String, allowZero: Bool = false) -> Duration? {
        value(node, what) { text throws(WorkflowValueError) in
            let duration = try Duration(workflowText: text)
            guard allowZero || duration > .zero else { throw WorkflowValueError("must be longer than 0") }
            return duration
        }
    }

    /// A duration within `range`: a value from outside (a timer, a window) must not be absurd.
    func duration(_ node: Node, _ what: String, in range: ClosedRange<Duration>) -> Duration? {
        value(node, what) { text throws(WorkflowValueError) in
            let duration = try Duration(workflowText: text)
            guard range.contains(duration) else {
                throw WorkflowValueError("must be from \(range.lowerBound.workflowText) to \(range.upperBound.workflowText), not '\(text)'")
            }
            return duration
        }
    }

    /// One of an enumeration's raw values, with a guess for a near miss.
    func choice<T: RawRepresentable<String> & CaseIterable>(_ node: Node, _ what: String, of _: T.Type = T.self) -> T? {
        value(node, what) { text throws(WorkflowValueError) in
            if let choice = T(rawValue: text) { return choice }
            let names = T.allCases.map(\.rawValue)
            let guess = Suggestion.closest(to: text, among: names).map { "; did you mean '\($0)'?" } ?? ""
            throw WorkflowValueError("'\(text)' is not one of: \(names.joined(separator: ", "))\(guess)")
        }
    }

    func template(_ node: Node, _ what: String, allowing placeholders: Set<MessageTemplate.Placeholder>) -> MessageTemplate? {
        value(node, what) { text throws(WorkflowValueError) in
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw WorkflowValueError("the text is empty")
            }
            return try MessageTemplate(text, allowing: placeholders)
        }
    }

    /// A queue or skill name: lowercase letters, digits, `-` and `_` — a queue's name is also the
    /// local part of its address, and skills are compared exactly.
    func name(_ node: Node, _ what: String) -> String? {
        value(node, what) { text throws(WorkflowValueError) in
            try Self.checkName(text)
            return text
        }
    }

    /// The rule of `name(_:_:)` for text that is not substituted, such as a mapping's key.
    static func checkName(_ text: String) throws(WorkflowValueError) {
        guard !text.isEmpty else { throw WorkflowValueError("the name is empty") }
        guard text.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw WorkflowValueError("'\(text)' may only have lowercase letters, digits, '-' and '_'")
        }
    }

    /// A name people read (an agent's, a queue's title): any text but blank.
    func displayName(_ node: Node, _ what: String) -> String? {
        value(node, what) { text throws(WorkflowValueError) in
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw WorkflowValueError("the name is empty") }
            return text
        }
    }

    /// A required key's value, noting its absence at the mapping.
    func required(_ fields: Fields, _ key: String, in what: String) -> Node? {
        if let value = fields[key] { return value }
        note("\(what) has no '\(key)'", at: fields.entry(key)?.keyNode ?? fields.node)
        return nil
    }
}
