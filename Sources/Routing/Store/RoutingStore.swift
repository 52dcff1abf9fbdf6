import Foundation
import Redis

/// The routing state in Redis. Every change goes through one atomic script, so routers
/// sharing a Redis (or one restarted after a crash) never see a half-made change.
public struct RoutingStore: Sendable {
    public let keys: RoutingKeys
    let redis: RedisClient
    private let planEncoding = PlanEncoding()

    public init(redis: RedisClient, prefix: String) {
        self.redis = redis
        self.keys = RoutingKeys(prefix: prefix)
    }

    /// Opens a chat for `visitor` in `queue` (or finds the open one), with overflow timers, and
    /// keeps `message` (if any) in its transcript, once per `messageID`.
    public func enqueue(
        queue: String, visitor: String, name: String, channel: ChatChannel, overflowDelays: [Duration] = [],
        message: String? = nil, messageID: String? = nil
    ) async throws -> Enqueued {
        let delays = overflowDelays.map { String($0.milliseconds) }.joined(separator: ",")
        let reply = try await run(
            .enqueue, [queue, visitor, name, channel.rawValue, delays, message ?? "", messageID ?? ""])
        let parts = try reply.values(6)
        return Enqueued(
            chat: try parts[0].text(), created: try parts[1].number() == 1, position: try parts[2].number(),
            state: ChatStatus(rawValue: try parts[3].text()) ?? .closed, agent: try parts[4].text(),
            messageStored: try parts[5].number() == 1, monitors: try parts.dropFirst(6).map { try $0.text() })
    }

    /// Gives waiting chats to agents, queue by queue in the order of `plan`.
    public func route(_ plan: [QueuePlan], limit: Int = 100) async throws -> [Assignment] {
        let json = try planEncoding.json(plan)
        let values = try await run(.route, [json, String(limit)]).values()
        return try stride(from: 0, to: values.count - 3, by: 4).map { index in
            Assignment(
                chat: try values[index].text(), agent: try values[index + 1].text(),
                queue: try values[index + 2].text(), state: ChatStatus(rawValue: try values[index + 3].text()) ?? .active)
        }
    }

    public func accept(chat: String, agent: String) async throws -> Outcome {
        try await outcome(.accept, [chat, agent])
    }

    /// Ends an offer unanswered; after `missedLimit` timeouts in a row the agent is set away.
    public func decline(chat: String, agent: String, timedOut: Bool = false, missedLimit: Int = 3) async throws -> Outcome {
        try await outcome(.decline, [chat, agent, timedOut ? "timeout" : "declined", String(missedLimit)])
    }

    public func close(chat: String, by closer: Closer, agent: String? = nil) async throws -> Outcome {
        try await outcome(.close, [chat, closer.rawValue, agent ?? ""])
    }

    /// Records an agent's presence; returns whether it changed.
    @discardableResult
    public func setPresence(agent: String, _ presence: AgentPresence, grace: Duration) async throws -> Bool {
        let parts = try await run(.presence, [agent, presence.rawValue, String(grace.milliseconds)]).values(2)
        return try parts[0].number() == 1
    }

    /// Ends an offline agent's grace period; returns the chats put back in their queues.
    public func expireGrace(agent: String) async throws -> [String] {
        try await run(.expireGrace, [agent]).values().map { try $0.text() }
    }

    /// Applies overflow step `step` (1-based) to a waiting chat: drop a skill, or move to `queue`.
    public func overflow(chat: String, step: Int, moveTo queue: String?) async throws -> Outcome {
        try await outcome(.overflow, [chat, String(step), queue == nil ? "drop" : "move", queue ?? ""])
    }

    public func transfer(chat: String, from agent: String, to target: TransferTarget) async throws -> Outcome {
        switch target {
        case .queue(let queue):
            try await outcome(.transfer, [chat, agent, "queue", queue, "0", "0"])
        case .agent(let jid, let capacity, let offerTimeout):
            try await outcome(
                .transfer, [chat, agent, "agent", jid, String(capacity), String(offerTimeout?.milliseconds ?? 0)])
        }
    }

    /// Appends to the transcript; `.duplicate` for a message id already stored or a closed chat,
    /// `.notHolder` for an agent line from anyone but the agent holding the active chat.
    @discardableResult
    public func record(chat: String, _ kind: TranscriptKind, from sender: String, text: String, messageID: String? = nil)
        async throws -> Recorded
    {
        let parts = try await run(.record, [chat, kind.rawValue, sender, text, messageID ?? ""]).values(5)
        let status: Recorded.Status = switch try parts[0].number() {
        case 1: .stored
        case -1: .notHolder
        default: .duplicate
        }
        return Recorded(
            status: status, visitor: try parts[1].text(), queue: try parts[2].text(),
            channel: ChatChannel(rawValue: try parts[3].text()), agent: try parts[4].text(),
            monitors: try parts.dropFirst(5).map { try $0.text() })
    }

    /// The chat's fields, or nil if there is no such chat.
    public func chat(_ id: String) async throws -> [String: String]? {
        try Self.fields(try await redis.send("HGETALL", keys.chat(id)))
    }

    public func transcript(_ id: String) async throws -> [TranscriptLine] {
        try await transcript(id, from: 0)
    }

    /// The transcript's lines from index `first` (0-based) on.
    public func transcript(_ id: String, from first: Int) async throws -> [TranscriptLine] {
        try Self.lines(try await redis.send("LRANGE", keys.transcript(id), String(max(first, 0)), "-1"))
    }

    /// The chat's fields (nil if there is no such chat) and its transcript, in one round trip:
    /// what an agent is told when a chat is offered or given to them.
    public func chatWithTranscript(_ id: String) async throws -> (fields: [String: String], transcript: [TranscriptLine])? {
        let replies = try await redis.pipeline([
            RedisCommand("HGETALL", [keys.chat(id)]), RedisCommand("LRANGE", [keys.transcript(id), "0", "-1"]),
        ])
        guard let fields = try Self.fields(replies[0]) else { return nil }
        return (fields, try Self.lines(replies[1]))
    }

    private static func fields(_ reply: RESPValue) throws -> [String: String]? {
        let values = try reply.values()
        guard !values.isEmpty else { return nil }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: values.count - 1, by: 2) {
            fields[try values[index].text()] = try values[index + 1].text()
        }
        return fields
    }

    private static func lines(_ reply: RESPValue) throws -> [TranscriptLine] {
        try reply.values().map { line in try JSONDecoder().decode(TranscriptLine.self, from: Data(try line.text().utf8)) }
    }

    /// A waiting chat's place in `queue` (1 is next), or nil if it does not wait there.
    public func position(chat: String, queue: String) async throws -> Int? {
        try await redis.send("ZRANK", keys.waiting(queue), chat).int.map { $0 + 1 }
    }

    /// The visitor's open chat reached through `queue`'s address, with its fields, if any (a chat
    /// that moved to another queue is still reached from where it started).
    public func openChat(queue: String, visitor: String) async throws -> (id: String, fields: [String: String])? {
        guard let id = try await redis.send("GET", keys.visitorChat(queue: queue, visitor: visitor)).string,
            let fields = try await chat(id), fields["state"] != ChatStatus.closed.rawValue
        else { return nil }
        return (id, fields)
    }

    /// An agent's presence and the chats they hold (offered or active).
    public func agentStatus(_ jid: String) async throws -> (presence: AgentPresence, chats: [String]) {
        let replies = try await redis.pipeline([
            RedisCommand("HGET", [keys.agent(jid), "presence"]), RedisCommand("SMEMBERS", [keys.agentChats(jid)]),
        ])
        let presence = replies[0].string.flatMap(AgentPresence.init(rawValue:)) ?? .offline
        return (presence, try replies[1].values().map { try $0.text() })
    }

    /// Timers due now (at most `limit`), and the time until the next one (nil if none).
    public func dueTimers(limit: Int = 100) async throws -> (due: [String], next: Duration?) {
        let values = try await run(.dueTimers, [String(limit)]).values()
        let wait = try values.first?.number() ?? -1
        return (try values.dropFirst().map { try $0.text() }, wait < 0 ? nil : .milliseconds(wait))
    }

    /// Succeeds once Redis answers (the client waits for a connection, with backoff).
    public func ping() async throws {
        _ = try await redis.send("PING")
    }

    /// Sets a chat's timer of `kind` to fire after `delay`, or clears it (nil); false for a closed chat.
    @discardableResult
    public func setTimer(chat: String, _ kind: String, after delay: Duration?) async throws -> Bool {
        try await run(.setTimer, [chat, kind, String(delay?.milliseconds ?? -1)]).number() == 1
    }

    /// Which of `agents` are available now.
    public func available(_ agents: [String]) async throws -> Set<String> {
        guard !agents.isEmpty else { return [] }
        let replies = try await redis.pipeline(agents.map { RedisCommand("HGET", [keys.agent($0), "presence"]) })
        return Set(zip(agents, replies).filter { $0.1.string == AgentPresence.available.rawValue }.map(\.0))
    }

    /// The chats waiting in `queue`, front first, with their visitors (at most `limit`).
    public func waitingVisitors(_ queue: String, limit: Int = 50) async throws -> [(chat: String, visitor: String)] {
        try await visitors(of: try await waitingChats(queue, limit: limit))
    }

    /// The chats waiting in `queue`, front first (at most `limit`).
    public func waitingChats(_ queue: String, limit: Int = 50) async throws -> [String] {
        try await redis.send("ZRANGE", keys.waiting(queue), "0", String(limit - 1)).values().map { try $0.text() }
    }

    /// The visitor of each chat, in one round trip (chats that are gone are left out).
    public func visitors(of chats: [String]) async throws -> [(chat: String, visitor: String)] {
        guard !chats.isEmpty else { return [] }
        let visitors = try await redis.pipeline(chats.map { RedisCommand("HGET", [keys.chat($0), "visitor"]) })
        return zip(chats, visitors).compactMap { chat, visitor in visitor.string.map { (chat, $0) } }
    }

    /// A supervisor starts watching an open chat: `.done(agent holding it)` or `.refused(state)`.
    public func monitor(chat: String, supervisor: String) async throws -> Outcome {
        try await outcome(.monitor, [chat, supervisor])
    }

    /// Notes that the agent holding `chat` has been told about it.
    public func markAnnounced(_ chat: String) async throws {
        _ = try await redis.send("HSET", keys.chat(chat), "announced", "1")
    }

    /// Chats given to an agent who was never told (the router died in between).
    public func unannounced() async throws -> [Assignment] {
        let open = try await redis.send("SMEMBERS", keys.openChats).values().map { try $0.text() }
        guard !open.isEmpty else { return [] }
        let fields = try await redis.pipeline(open.map { RedisCommand("HMGET", [keys.chat($0), "state", "agent", "queue", "announced"]) })
        return try zip(open, fields).compactMap { chat, reply in
            let values = try reply.values(4).map(\.string)
            guard values[3] == "0", let agent = values[1], let queue = values[2],
                let state = values[0].flatMap(ChatStatus.init(rawValue:)), state == .offered || state == .active
            else { return nil }
            return Assignment(chat: chat, agent: agent, queue: queue, state: state)
        }
    }

    /// Removes a timer that has nothing left to do.
    public func cancelTimer(_ member: String) async throws {
        _ = try await redis.send("ZREM", keys.timers, member)
    }

    /// Chat ids waiting in `queue`, front first.
    public func waiting(_ queue: String) async throws -> [String] {
        try await redis.send("ZRANGE", keys.waiting(queue), "0", "-1").values().map { try $0.text() }
    }

    /// Publishes `value` as JSON on `channel`.
    public func publish(_ value: some Encodable, on channel: String) async throws {
        try await redis.send("PUBLISH", channel, String(decoding: try JSONEncoder().encode(value), as: UTF8.self))
    }

    /// The connection settings of this store's Redis, for a subscription of its own.
    public var redisConfiguration: RedisConfiguration { redis.configuration }

    private func run(_ script: RoutingScript, _ arguments: [String]) async throws -> RESPValue {
        try await redis.evalScript(script.redis, keys: [keys.events], args: arguments)
    }

    private func outcome(_ script: RoutingScript, _ arguments: [String]) async throws -> Outcome {
        let parts = try await run(script, arguments).values(2)
        return try parts[0].number() == 1 ? .done(try parts[1].text()) : .refused(try parts[1].text())
    }
}

/// A reply from a routing script that does not have the documented shape.
public struct UnexpectedReply: Error, CustomStringConvertible {
    public let description: String
}

extension RESPValue {
    func values(_ count: Int? = nil) throws -> [RESPValue] {
        if isNull, count == nil { return [] }
        guard let array, count.map({ array.count >= $0 }) ?? true else {
            throw UnexpectedReply(description: "expected \(count.map(String.init) ?? "an") array, got \(self)")
        }
        return array
    }

    func text() throws -> String {
        guard let string else { throw UnexpectedReply(description: "expected text, got \(self)") }
        return string
    }

    func number() throws -> Int {
        guard let int else { throw UnexpectedReply(description: "expected a number, got \(self)") }
        return int
    }
}
