/// The id of a visitor's line the router relays to an agent, the same on every copy: the id the
/// router chose when it stored the line (`sb-` and random, see `RelayDetail.newID`), or, for a
/// line kept before ids were stored, `sb-line-CHAT-NUMBER`. The router sends a line again when it
/// cannot know whether the XMPP server took it (it died, or the link dropped, in between): a
/// client that keeps the ids it saw lately shows such a line once.
public enum RelayedLineID {
    /// What every relayed id starts with.
    static let prefix = "sb-"

    /// The id of the `number`th visitor line of `chat`, for a line stored without one.
    public static func make(chat: String, number: Int) -> String {
        "\(prefix)line-\(chat)-\(number)"
    }

    /// The id of the history an agent is told when `chat` is given or offered to them (`given`:
    /// when, as the chat's `offered_at`): the same on every telling of one assignment, as a router
    /// that dies between telling and marking it told leaves it to another to tell again.
    public static func history(chat: String, given: String) -> String {
        "\(prefix)history-\(chat)-\(given)"
    }

    /// The chat and `given` of a history's id (`history(chat:given:)`), or nil for any other id.
    public static func historyParts(_ id: String) -> (chat: String, given: String)? {
        let head = "\(prefix)history-"
        guard id.hasPrefix(head) else { return nil }
        let rest = id.dropFirst(head.count)
        guard let dash = rest.lastIndex(of: "-") else { return nil }
        let chat = rest[..<dash], given = rest[rest.index(after: dash)...]
        guard !chat.isEmpty, !given.isEmpty else { return nil }
        return (String(chat), String(given))
    }

    /// Whether `id` names a relayed visitor line (or a history).
    public static func isRelayedLine(_ id: String?) -> Bool {
        id?.hasPrefix(prefix) == true
    }
}

/// The relayed lines a client saw lately, so that a copy sent again is shown once. Bounded: the
/// oldest ids are forgotten past `limit` (a copy comes within seconds of the first).
public struct RecentLines: Sendable {
    private var order: [String] = []
    private var seen: Set<String> = []
    public let limit: Int

    public init(limit: Int = 2000) {
        self.limit = max(limit, 1)
    }

    /// False for a relayed line whose id was seen lately; true for anything else.
    public mutating func isNew(_ id: String?) -> Bool {
        guard let id, RelayedLineID.isRelayedLine(id) else { return true }
        guard seen.insert(id).inserted else { return false }
        order.append(id)
        if order.count > limit { seen.remove(order.removeFirst()) }
        return true
    }
}
