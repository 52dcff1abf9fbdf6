import Yams

extension WorkflowReader {
    /// The `redact` list: built-in detectors by name (`card`, `iban`, `email`, `phone`) and
    /// `{label, pattern}` mappings, each once.
    func redactionRules(_ node: Node?) -> [RedactionRule] {
        guard let node, let items = list(node, "redact") else { return [] }
        var rules: [RedactionRule] = []
        for item in items {
            let rule: RedactionRule?
            if case .scalar = item {
                rule = choice(item, "redact", of: RedactionDetector.self).map { .detector($0) }
            } else {
                rule = customRedaction(item)
            }
            guard let rule else { continue }
            if rules.contains(where: { $0.label == rule.label }) {
                note("redact: '\(rule.label)' is listed twice", at: item)
                continue
            }
            rules.append(rule)
        }
        return rules
    }

    private func customRedaction(_ node: Node) -> RedactionRule? {
        guard let fields = fields(node, "a redact pattern", allowed: WorkflowKeys.redactPattern) else { return nil }
        let label = required(fields, "label", in: "a redact pattern").flatMap { node in
            value(node, "label") { text throws(WorkflowValueError) in
                guard !text.isEmpty, text.count <= RedactionRule.labelLengthLimit,
                    text.allSatisfy({ $0.isLetter || $0.isNumber || " -_".contains($0) })
                else {
                    throw WorkflowValueError("'\(text)' must be 1 to \(RedactionRule.labelLengthLimit) letters, digits, spaces, '-' or '_' "
                        + "(agents see [LABEL removed])")
                }
                guard RedactionDetector(rawValue: text) == nil else {
                    throw WorkflowValueError("'\(text)' is a built-in detector: list it on its own (- \(text)), or choose another label")
                }
                return text
            }
        }
        let pattern = required(fields, "pattern", in: "a redact pattern").flatMap { node in
            value(node, "pattern") { text throws(WorkflowValueError) in
                _ = try Redactor.compile(text, label: label ?? "the pattern")
                return text
            }
        }
        guard let label, let pattern else { return nil }
        return .pattern(label: label, expression: pattern)
    }
}
