import Yams

/// The entries of one YAML mapping in file order, with merge keys (`<<: *defaults`) applied: an
/// entry written in the mapping itself wins over a merged one.
struct Fields {
    /// One `key: value` pair.
    struct Entry {
        let key: String
        let keyNode: Node
        let value: Node
    }

    let node: Node
    let entries: [Entry]

    /// The value of `key`; nil when it is absent or empty (`key:` alone, or `~`), which means "the default".
    subscript(key: String) -> Node? {
        guard let value = entry(key)?.value, !value.isNull else { return nil }
        return value
    }

    func entry(_ key: String) -> Entry? {
        entries.first { $0.key == key }
    }

    func has(_ key: String) -> Bool { self[key] != nil }
}

extension Node {
    /// `key:` with nothing after it, `~` or `null`.
    var isNull: Bool {
        if case .scalar(let scalar) = self, scalar.style == .plain, null != nil { true } else { false }
    }

    /// Whether this is the merge key `<<`.
    var isMergeKey: Bool {
        if case .scalar(let scalar) = self, scalar.style == .plain, scalar.string == "<<" { true } else { false }
    }

    /// How a problem names what was found instead of what was expected.
    var kindName: String {
        switch self {
        case .scalar: isNull ? "nothing" : "a single value"
        case .mapping: "a mapping (key: value lines)"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
