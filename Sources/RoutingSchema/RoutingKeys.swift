/// Every Redis key of the routing state, named in one place. The Lua scripts name the keys they
/// find as they run in `Sources/Routing/Lua/includes/keys.lua`; a test checks the two agree.
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
    /// The audit log: a stream of agents', supervisors' and operators' actions (`AuditAction`),
    /// trimmed by time after the workflow's `audit_retention`.
    public var audit: String { base + "audit" }
    /// Pub/sub channel: answers to one router's pings that the XMPP server gave another
    /// router's link (ejabberd), handed back (`LinkAnswerRelay`).
    public var linkAnswers: String { base + "acks" }
    /// Closed chats whose agent was still owed visitor lines when they closed (by close time, ms):
    /// a router's sweep passes the lines on, then the closing notice again (`close-10.lua`).
    public var owedClosedChats: String { base + "owedclosed" }
    // The web visitors' keys (`web:…`) are the Web target's `WebKeys`.

    public func chat(_ id: String) -> String { base + "chat:" + id }
    public func transcript(_ id: String) -> String { base + "chat:" + id + ":transcript" }
    public func monitors(_ id: String) -> String { base + "chat:" + id + ":monitors" }
    /// Agents who passed on the chat (declined, or let the offer time out): not offered it again.
    public func declined(_ id: String) -> String { base + "chat:" + id + ":declined" }
    /// The chat's timer members, so closing it clears them all from `timers`.
    public func chatTimers(_ id: String) -> String { base + "chat:" + id + ":timers" }
    /// Message ids already stored in the chat's transcript.
    public func seen(_ id: String) -> String { base + "chat:" + id + ":seen" }
    /// Relayed message ids both ways (`v:ID`/`a:ID` -> relayed, `r:RELAYED` -> `v:ID`/`a:ID`), for corrections and read marks.
    public func relayIDs(_ id: String) -> String { base + "chat:" + id + ":ids" }
    public func waiting(_ queue: String) -> String { base + "queue:" + queue + ":waiting" }
    /// The queue's round-robin pointer: the candidate index given a chat last.
    public func roundRobin(_ queue: String) -> String { base + "queue:" + queue + ":rr" }
    public func agent(_ jid: String) -> String { base + "agent:" + jid }
    public func agentChats(_ jid: String) -> String { base + "agent:" + jid + ":chats" }
    /// The agent's resources: `resource -> presence|ms last heard` (the agent is as available as the best).
    public func agentResources(_ jid: String) -> String { base + "agent:" + jid + ":resources" }
    public func visitorChat(queue: String, visitor: String) -> String { base + "visitor:" + queue + ":" + visitor }
    /// The queue's recent answers, `chat|agent|wait ms` by the time answered: its wait estimates.
    public func answers(_ queue: String) -> String { base + "queue:" + queue + ":answers" }
    /// The visitor's closed chat in `queue` that they may still rate: `chat|agent|score so far`,
    /// expiring with the queue's `csat_window`.
    public func rating(queue: String, visitor: String) -> String { base + "rating:" + queue + ":" + visitor }
    /// Set when a visitor's wait ended at `max_wait`: their next chat in `queue` is a message left.
    public func leaveMessage(queue: String, visitor: String) -> String { base + "leave:" + queue + ":" + visitor }
    /// The visitor's last closed chat (`/transcript`), kept for the retention.
    public func lastChat(visitor: String) -> String { base + "lastchat:" + visitor }
    /// Held (for seconds, `SET NX PX`) by the router telling the agent of a chat just given: one
    /// router announces it, the one that gave it or, if that one died first, another's sweep.
    public func announcing(_ chat: String) -> String { base + "announcing:" + chat }
    /// A routing plan's JSON under its SHA-1 (`route-2.lua` reads it): written once per workflow
    /// version, never changed (a new plan is a new key), expiring unused (`RoutingStore.planLifetime`).
    public func plan(_ sha1: String) -> String { base + "plan:" + sha1 }
}
