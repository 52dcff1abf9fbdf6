/// Every Redis key of the routing state, named in one place.
///
/// All keys of one deployment share the hash tag `{prefix}`: an assignment touches a queue,
/// several agents and a chat in one script, so they must live in one Redis Cluster slot.
/// Deployments (prefixes) are the unit that can be spread over a cluster.
public struct RoutingKeys: Sendable, Hashable {
    /// `{sb}:` for the prefix `sb`.
    public let base: String

    public init(prefix: String) {
        base = "{\(prefix)}:"
    }

    /// The routing event stream the stats service reads.
    public var events: String { base + "events" }
    /// Chat ids, one counter.
    public var sequence: String { base + "seq" }
    /// Due times of offers, grace periods, overflow steps and inactivity closes.
    public var timers: String { base + "timers" }
    /// The ids of all chats not yet closed.
    public var openChats: String { base + "open" }
    // The web visitors' keys (`web:…`) are the Web target's `WebKeys`.

    public func chat(_ id: String) -> String { base + "chat:" + id }
    public func transcript(_ id: String) -> String { base + "chat:" + id + ":transcript" }
    public func monitors(_ id: String) -> String { base + "chat:" + id + ":monitors" }
    public func waiting(_ queue: String) -> String { base + "queue:" + queue + ":waiting" }
    public func agent(_ jid: String) -> String { base + "agent:" + jid }
    public func agentChats(_ jid: String) -> String { base + "agent:" + jid + ":chats" }
    public func visitorChat(queue: String, visitor: String) -> String { base + "visitor:" + queue + ":" + visitor }
}
