/// `${NAME}` and `${NAME:-default}` in workflow values, taken from the environment given to the loader.
///
/// Only `${` starts a substitution, so a secret with a lone `$` in it needs no escaping; `$${`
/// stands for a literal `${`. Substitution happens once: a variable's value is not searched again.
enum EnvironmentSubstitution {
    /// `text` with every `${…}` replaced; a variable that is not set, and has no default, is an error,
    /// unless `unset` gives a stand-in for it (`switchboard check` where the secrets are not).
    static func substitute(
        _ text: String, environment: [String: String], unset: ((String) -> String)? = nil
    ) throws(WorkflowValueError) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstRange(of: "${") {
            let before = rest[..<dollar.lowerBound]
            if before.hasSuffix("$") {
                // `$${`: keep a literal `${` and carry on after it.
                result += before.dropLast() + "${"
                rest = rest[dollar.upperBound...]
                continue
            }
            result += before
            guard let close = rest[dollar.upperBound...].firstIndex(of: "}") else {
                throw WorkflowValueError("'${' without a closing '}' (write $${ for a literal ${)")
            }
            result += try value(of: rest[dollar.upperBound..<close], environment: environment, unset: unset)
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static func value(
        of reference: Substring, environment: [String: String], unset: ((String) -> String)?
    ) throws(WorkflowValueError) -> String {
        let name: Substring
        let fallback: Substring?
        if let separator = reference.firstRange(of: ":-") {
            name = reference[..<separator.lowerBound]
            fallback = reference[separator.upperBound...]
        } else {
            name = reference
            fallback = nil
        }
        guard isVariableName(name) else {
            throw WorkflowValueError("'${\(name)}' is not a variable name: use letters, digits and _, as in ${SB_REDIS_URL}")
        }
        // As in the shell, `:-` also stands in for a variable that is set but empty.
        if let value = environment[String(name)], !(value.isEmpty && fallback != nil) { return value }
        if let fallback { return String(fallback) }
        if let unset { return unset(String(name)) }
        throw WorkflowValueError("the environment variable \(name) is not set (give a default with ${\(name):-VALUE})")
    }

    private static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
