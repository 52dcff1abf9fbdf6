import Yams

/// Reads a YAML tree into workflow values, noting every problem and carrying on, so that one run
/// of `switchboard check` shows them all.
///
/// Each reading function returns nil when the value is unusable and has noted why; the parts of the
/// workflow are read in `WorkflowReader+…` files.
final class WorkflowReader {
    let file: String
    let environment: [String: String]
    private(set) var problems: [WorkflowProblem] = []
    /// With `standInForUnsetVariables`: each variable that was not set, where it was used.
    private(set) var warnings: [WorkflowProblem] = []
    /// A variable that is not set is a warning and a stand-in value, not a problem: for
    /// `switchboard check` on a machine without the router's secrets.
    let standInForUnsetVariables: Bool

    init(file: String, environment: [String: String], standInForUnsetVariables: Bool = false) {
        self.file = file
        self.environment = environment
        self.standInForUnsetVariables = standInForUnsetVariables
    }

    func note(_ reason: String, at mark: Mark?) {
        problems.append(WorkflowProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, reason: reason))
    }

    func note(_ reason: String, at node: Node) {
        note(reason, at: node.mark)
    }

    /// The entries of a mapping, noting keys other than `allowed` (all keys pass when it is nil) that
    /// do not start with `ignoring`.
    func fields(_ node: Node, _ what: String, allowed: [String]? = nil, ignoring prefix: String? = nil) -> Fields? {
        guard case .mapping(let mapping) = node else {
            note("\(what) must be a mapping (key: value lines), not \(node.kindName)", at: node)
            return nil
        }
        var entries: [Fields.Entry] = []
        var merged: [Fields.Entry] = []
        for (key, value) in mapping {
            if key.isMergeKey {
                merged += mergedEntries(value)
                continue
            }
            guard case .scalar(let scalar) = key, !key.isNull else {
                note("keys in \(what) must be plain names, not \(key.kindName)", at: key)
                continue
            }
            entries.append(Fields.Entry(key: scalar.string, keyNode: key, value: value))
        }
        var seen = Set(entries.map(\.key))
        for entry in merged where !seen.contains(entry.key) {
            seen.insert(entry.key)
            entries.append(entry)
        }
        if let allowed {
            for entry in entries where !allowed.contains(entry.key) && !(prefix.map(entry.key.hasPrefix) ?? false) {
                let guess = Suggestion.closest(to: entry.key, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                note("unknown key '\(entry.key)' in \(what)\(guess)", at: entry.keyNode)
            }
        }
        return Fields(node: node, entries: entries)
    }

    /// `<<: *anchor` or `<<: [*a, *b]`: the entries of the mappings named.
    private func mergedEntries(_ value: Node) -> [Fields.Entry] {
        let sources = if case .sequence(let sequence) = value { Array(sequence) } else { [value] }
        return sources.flatMap { fields($0, "a merge (<<)")?.entries ?? [] }
    }

    func list(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            note("\(what) must be a list, not \(node.kindName)", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A single value as text, with `${NAME}` substituted from the environment.
    func text(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, !node.isNull else {
            note("\(what) must be a single value, not \(node.kindName)", at: node)
            return nil
        }
        do {
            guard standInForUnsetVariables else {
                return try EnvironmentSubstitution.substitute(scalar.string, environment: environment)
            }
            var unset: [String] = []
            let text = try EnvironmentSubstitution.substitute(scalar.string, environment: environment) { name in
                unset.append(name)
                return "unset-\(name)"
            }
            for name in unset {
                warnings.append(WorkflowProblem(
                    file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                    reason: "\(what): the environment variable \(name) is not set here; checked with a stand-in, "
                        + "but the router needs it (or a default: ${\(name):-VALUE})",
                    isWarning: true))
            }
            return text
        } catch {
            note("\(what): \(error.reason)", at: node)
            return nil
        }
    }

    /// What `parse` makes of the node's text; its error becomes the problem, after `what: `.
    func value<T>(_ node: Node, _ what: String, _ parse: (String) throws(WorkflowValueError) -> T) -> T? {
        guard let text = text(node, what) else { return nil }
        do {
            return try parse(text)
        } catch {
            note("\(what): \(error.reason)", at: node)
            return nil
        }
    }
}
