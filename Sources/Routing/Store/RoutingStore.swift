import Foundation
import Redis
import Workflow
import XMPP

/// The routing state in Redis. Every change goes through one atomic script (`Lua/verbNoun-N.lua`,
/// embedded at build time as `RoutingLua`), so routers sharing a Redis (or one restarted after a
/// crash) never see a half-made change. Each call passes the keys it knows up front as KEYS, the
/// event stream first, and decodes the reply into the script's `ScriptReply` type.
public struct RoutingStore: Sendable {
    public let keys: RoutingKeys
    let redis: RedisClient
    private let planEncoding = PlanEncoding()
    private let retention: Retention
    /// With `redis.min_replicas_ack`: every routing script waits for replicas before its reply,
    /// so nobody is told of a change a failover could lose.
    let acknowledgement: ReplicaAcknowledgement?
    let auditRetention: Retention

    public init(
        redis: RedisClient, prefix: String, retention: Duration = Workflow.defaultRetention,
        auditRetention: Duration = Workflow.defaultAuditRetention, acknowledgement: ReplicaAcknowledgement? = nil
    ) {
        self.redis = redis
        self.keys = RoutingKeys(prefix: prefix)
        self.retention = Retention(retention)
        self.auditRetention = Retention(auditRetention)
        self.acknowledgement = acknowledgement
    }

    /// How long a chat's record and transcript stay after it closes (zero: removed at close).
    public var closedChatRetention: Duration { retention.current }

    /// Changes the retention for chats closed from now on, in every copy of this store.
    public func keepClosedChats(for retention: Duration) {
        self.retention.replace(with: retention)
    }

    /// Opens a chat for `visitor` in `queue` (or finds the open one), with overflow timers and a
    /// `maxWait` timer, and keeps `message` (if any) in its transcript, once per `messageID`.
    /// `relay` is what the line is passed on with (its relayed id, file, the line it corrects).
    /// A new chat keeps `address`, the local part the visitor wrote to (empty: the service
    /// domain; nil: the queue's), so that replies come from it for the whole chat, transfers included.
    public func enqueue(
        queue: String, visitor: String, name: String, channel: ChatChannel, overflowDelays: [Duration] = [],
        message: String? = nil, messageID: String? = nil, relay: RelayDetail? = nil, address: String? = nil,
        maxWait: Duration? = nil, botBackstop: Duration? = nil, lineOrderHold: Duration = .milliseconds(250)
    ) async throws -> Enqueued {
        try await enqueue(
            queue: queue, visitor: visitor, name: name, channel: channel, overflowDelays: overflowDelays, message: message,
            messageID: messageID, relay: relay, address: address, maxWait: maxWait, botBackstop: botBackstop,
            lineOrderHold: lineOrderHold, routing: nil
        ).enqueued
    }

    /// The routing pass a chat opened in the line calls for, run in the enqueue step itself: the
    /// agent's offer then waits on one round trip, not three (enqueue, route, history).
    struct PassOnOpening: Sendable {
        let plan: [QueuePlan]
        /// How long the right to announce each chat given is held (`route`'s `announcing`).
        let announcing: Duration
        var limit = 100
    }

    /// What `enqueue` did and, for a chat it opened in the line, the pass it ran for it.
    struct EnqueuedAndRouted: Sendable {
        let enqueued: Enqueued
        /// The pass, when one was asked for and the message opened a chat in the line.
        let routed: Routed?
        /// The new chat's history, when the pass gave it and took the right to announce it: the
        /// agent is told from it, with no round trip of its own (`RoutingPass.announce`); the
        /// chat's later lines go to the agent directly from then on.
        let history: ChatHistory?
    }

    /// As `enqueue`, and with `routing`, a chat opened in the line is routed in the same step.
    func enqueue(
        queue: String, visitor: String, name: String, channel: ChatChannel, overflowDelays: [Duration] = [],
        message: String? = nil, messageID: String? = nil, relay: RelayDetail? = nil, address: String? = nil,
        maxWait: Duration? = nil, botBackstop: Duration? = nil, lineOrderHold: Duration = .milliseconds(250),
        routing: PassOnOpening?
    ) async throws -> EnqueuedAndRouted {
        let delays = overflowDelays.map { String($0.milliseconds) }.joined(separator: ",")
        let encoded = try routing.map { try planEncoding.encoded($0.plan) }
        let scriptKeys = [
            keys.events, keys.visitorChat(queue: queue, visitor: visitor), keys.waiting(queue), keys.sequence, keys.openChats, keys.timers,
        ]
        let arguments = [
            queue, visitor, name, channel.rawValue, delays, message ?? "", Self.seenID(messageID), relay?.json ?? "",
            Self.mappedID(messageID), address ?? queue, Self.milliseconds(maxWait), Self.milliseconds(botBackstop), Self.leaseMs,
            Self.milliseconds(lineOrderHold), encoded?.sha1 ?? "", String(routing?.limit ?? 0),
            routing.map { String(max($0.announcing.milliseconds, 1)) } ?? "0",
        ]
        return try await storingPlan(encoded) { try await run(RoutingLua.enqueue, keys: scriptKeys, arguments) }
    }

    /// A claim's lease as the scripts take it.
    private static let leaseMs = String(ClaimedLines.lease.milliseconds)

    /// Gives waiting chats to agents, queue by queue in the order of `plan`.
    public func route(_ plan: [QueuePlan], limit: Int = 100) async throws -> [Assignment] {
        try await route(plan, limit: limit, announcing: nil).assignments
    }

    /// What a routing pass decided: the chats given, whether the pass took the right to announce
    /// each, the queues given from that still have chats waiting.
    struct Routed: Sendable {
        let assignments: [Assignment]
        let claimed: [Bool]
        let stillWaiting: Set<String>

        init(_ made: Assignments) {
            assignments = made.assignments
            claimed = made.histories.map { (try? $0.values().count) == 1 }
            stillWaiting = made.stillWaiting
        }
    }

    /// Gives waiting chats to agents, as `route`; with `announcing` also takes the right to announce
    /// each chat given for that long (`claimAnnouncement`), so the caller tells the agents without
    /// that round trip each.
    func route(_ plan: [QueuePlan], limit: Int = 100, announcing hold: Duration?) async throws -> Routed {
        let encoded = try planEncoding.encoded(plan)
        let arguments = [encoded.sha1, String(limit), hold.map { String(max($0.milliseconds, 1)) } ?? "0"]
        let made: Assignments = try await storingPlan(encoded) {
            try await run(RoutingLua.route, keys: [keys.events, keys.timers], arguments)
        }
        return Routed(made)
    }

    /// Runs a script that reads the plan `encoded`; refused with `NOPLAN` (the first step with this
    /// plan on any router, or Redis lost it), which a script says before writing anything, the plan
    /// is stored and the script run again.
    private func storingPlan<Reply>(_ encoded: PlanEncoding.Encoded?, _ step: () async throws -> Reply) async throws -> Reply {
        do {
            return try await step()
        } catch RedisError.server(let message) where message.contains("NOPLAN") {
            guard let encoded else { throw RedisError.server(message) }
            _ = try await redis.send("SET", keys.plan(encoded.sha1), encoded.json, "PX", String(Self.planLifetime.milliseconds))
            return try await step()
        }
    }

    /// How long a stored plan is kept: a week after it was stored Redis drops it, and a router
    /// still running it stores it again on its next pass (one round trip); an old workflow's goes.
    static let planLifetime: Duration = .seconds(7 * 24 * 3600)

    /// The agent takes the chat offered to them; with `replyTimeout` they must write to the visitor within it.
    public func accept(chat: String, agent: String, replyTimeout: Duration? = nil) async throws -> Outcome {
        try await run(
            RoutingLua.accept, keys: [keys.events, keys.chat(chat), keys.agent(agent), keys.timers, keys.chatTimers(chat)],
            [chat, agent, Self.milliseconds(replyTimeout)])
    }

    /// A timer's delay as the scripts take it: milliseconds, 0 for none.
    static func milliseconds(_ delay: Duration?) -> String {
        String(max(delay?.milliseconds ?? 0, 0))
    }

    /// Ends an offer unanswered; after `missedLimit` timeouts in a row the agent is set away.
    /// An offer ends unaccepted. `claiming` (the offer's timer, when it timed out) must still be
    /// due, and is taken in the same step: a stale one expires nothing (`.refused("not-due")`).
    /// `noReply`: an active chat whose agent did not write within the reply timeout, taken back.
    public func decline(
        chat: String, agent: String, timedOut: Bool = false, noReply: Bool = false, missedLimit: Int = 3,
        claiming timer: ChatTimer? = nil
    ) async throws -> Outcome {
        try await run(
            RoutingLua.decline,
            keys: [
                keys.events, keys.chat(chat), keys.agent(agent), keys.declined(chat), keys.agentChats(agent), keys.timers,
                keys.chatTimers(chat),
            ],
            [chat, agent, noReply ? "noreply" : timedOut ? "timeout" : "declined", String(missedLimit), timer?.member ?? ""])
    }

    /// Closes a chat; `claiming` (the timer that closes it, e.g. `gone`) must still be due, and is
    /// taken in the same step: a stale one closes nothing (`.refused("not-due")`). With `csatWindow`
    /// an active chat may be rated for that long; a `maxWait` timer closes only a waiting chat,
    /// and the visitor's next chat within `leaveMessageWindow` is a message left. `endID`, the id
    /// of the visitor's `/end`, is kept with the closed chat: a copy of it closes no chat the
    /// visitor opened since (`.refused("ended-already")`).
    public func close(
        chat: String, by closer: Closer, agent: String? = nil, claiming timer: ChatTimer? = nil, csatWindow: Duration? = nil,
        leaveMessageWindow: Duration? = nil, endID: String? = nil
    ) async throws -> Outcome {
        try await run(
            RoutingLua.close,
            keys: [
                keys.events, keys.chat(chat), keys.chatTimers(chat), keys.declined(chat), keys.seen(chat), keys.monitors(chat),
                keys.timers, keys.openChats, keys.transcript(chat), keys.relayIDs(chat),
            ],
            [chat, closer.rawValue, agent ?? "", timer?.member ?? "", String(max(retention.current.milliseconds, 0)),
             Self.milliseconds(csatWindow), Self.milliseconds(leaveMessageWindow), Self.mappedID(endID)])
    }

    /// Trims the event stream below what every consumer group has acknowledged and older than
    /// `bound`; returns how many entries went.
    @discardableResult
    public func trimEvents(olderThan bound: Duration) async throws -> Int {
        try await redis.evalScript(RoutingLua.trimEvents, keys: [keys.events], args: [String(max(bound.milliseconds, 0))])
            .number()
    }

    /// Records the presence of one of an agent's resources (`""`: the bare JID, whose `.offline`
    /// means every resource has gone); returns the agent's presence if it changed.
    @discardableResult
    public func setPresence(agent: String, resource: String = "", _ presence: AgentPresence, grace: Duration) async throws
        -> AgentPresence?
    {
        let change: PresenceChange = try await run(RoutingLua.presence, keys: presenceKeys(agent), [
            agent, resource, presence.rawValue, String(grace.milliseconds),
        ])
        return change.changed ? change.now : nil
    }

    /// Ends a resync that began at `since` (ms, Redis's clock): the agent's resources not heard
    /// from since are gone. Returns the agent's presence if it changed.
    @discardableResult
    public func settlePresence(agent: String, since: Int64, grace: Duration) async throws -> AgentPresence? {
        let change: PresenceChange = try await run(RoutingLua.settlePresence, keys: presenceKeys(agent), [
            agent, String(since), String(grace.milliseconds),
        ])
        return change.changed ? change.now : nil
    }

    /// An agent left out of the workflow: offline at once, their chats back in their queues (returned).
    public func removeAgent(_ agent: String) async throws -> [String] {
        let requeued: RequeuedChats = try await run(RoutingLua.removeAgent, keys: presenceKeys(agent), [agent])
        return requeued.chats
    }

    /// Now, in ms by Redis's clock: the one clock every router and script agrees on.
    public func clock() async throws -> Int64 {
        let parts = try await redis.send("TIME").values(2)
        guard let seconds = Int64(try parts[0].text()), let micros = Int64(try parts[1].text()) else {
            throw UnexpectedReply(description: "TIME answered \(parts)")
        }
        return seconds * 1000 + micros / 1000
    }

    private func presenceKeys(_ agent: String) -> [String] {
        [keys.events, keys.agent(agent), keys.agentChats(agent), keys.timers, keys.agentResources(agent)]
    }

    /// Ends an offline agent's grace period; returns the chats put back in their queues. With
    /// `claiming` (the grace timer) only while that timer is still due, taking it in the same step.
    public func expireGrace(agent: String, claiming timer: ChatTimer? = nil) async throws -> [String] {
        let requeued: RequeuedChats = try await run(
            RoutingLua.expireGrace, keys: [keys.events, keys.agent(agent), keys.agentChats(agent), keys.timers],
            [agent, timer?.member ?? ""])
        return requeued.chats
    }

    /// Applies overflow step `step` (1-based) to a waiting chat: drop a skill, or move to `queue`,
    /// whose own steps (`overflowDelays`) then replace those left of the old queue. With `claiming`
    /// (the step's timer) only while that timer is due and the chat still waits in `from`.
    public func overflow(
        chat: String, step: Int, moveTo queue: String?, overflowDelays: [Duration] = [], from: String? = nil,
        claiming timer: ChatTimer? = nil
    ) async throws -> Outcome {
        try await run(
            RoutingLua.overflow, keys: [keys.events, keys.chat(chat), keys.timers, keys.chatTimers(chat)],
            [chat, String(step), queue == nil ? "drop" : "move", queue ?? "", timer?.member ?? "", from ?? "",
             Self.delays(overflowDelays)])
    }

    /// Overflow step delays as the scripts take them: milliseconds, comma-separated.
    static func delays(_ delays: [Duration]) -> String {
        delays.map { String(max($0.milliseconds, 0)) }.joined(separator: ",")
    }

    /// Hands an active chat on; to a queue, it takes that queue's overflow steps (`overflowDelays`).
    /// To an agent, that agent must write to the visitor within `replyTimeout` once the chat is theirs.
    public func transfer(
        chat: String, from agent: String, to target: TransferTarget, overflowDelays: [Duration] = [], replyTimeout: Duration? = nil
    ) async throws -> Outcome {
        let arguments = switch target {
        case .queue(let queue): [chat, agent, "queue", queue, "0", "0", Self.delays(overflowDelays)]
        case .agent(let jid, let capacity, let offerTimeout):
            [chat, agent, "agent", jid, String(capacity), String(offerTimeout?.milliseconds ?? 0), "", Self.milliseconds(replyTimeout)]
        }
        return try await run(
            RoutingLua.transfer,
            keys: [
                keys.events, keys.chat(chat), keys.declined(chat), keys.agent(agent), keys.agentChats(agent), keys.timers,
                keys.chatTimers(chat),
            ],
            arguments)
    }

    /// Appends to the transcript; `.duplicate` for a message id already stored or a closed chat,
    /// `.notHolder` for an agent line from anyone but the agent holding the active chat. Notes,
    /// whispers and `canned` agent lines are audited in the same step.
    @discardableResult
    public func record(
        chat: String, _ kind: TranscriptKind, from sender: String, text: String, messageID: String? = nil, canned: Bool = false,
        relay: RelayDetail? = nil
    ) async throws -> Recorded {
        try await run(
            RoutingLua.record,
            keys: [keys.events, keys.chat(chat), keys.monitors(chat), keys.seen(chat), keys.transcript(chat), keys.relayIDs(chat)],
            [chat, kind.rawValue, sender, text, Self.seenID(messageID), relay?.json ?? "", Self.mappedID(messageID), canned ? "canned" : ""])
    }

    /// A message id as kept in the chat's seen set: ids come from clients, so a long one is kept
    /// as its digest and the set's size stays bounded by the message count, not the ids' length.
    static func seenID(_ id: String?) -> String {
        guard let id else { return "" }
        return id.utf8.count <= 64 ? id : "sha1:" + Digest.sha1Hex(id)
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

    /// The chat's fields (nil if there is no such chat) and its transcript, in one step that marks
    /// the visitor's lines so far as told: what an agent is told when a chat is offered or given
    /// to them. Lines written later reach the agent through `claimUnsent` or `enqueue`, once.
    public func takeHistory(_ id: String) async throws -> (fields: [String: String], transcript: [TranscriptLine])? {
        let reply = try await redis.evalScript(
            RoutingLua.takeHistory, keys: [keys.events, keys.chat(id), keys.transcript(id)], args: [id], acknowledgement: acknowledgement)
        return try ChatHistory(reply).map { (fields: $0.fields, transcript: $0.transcript) }
    }

    /// A chat's fields and transcript as its agent is told them (`includes/takeHistory.lua`).
    struct ChatHistory: Sendable {
        let fields: [String: String]
        let transcript: [TranscriptLine]

        /// Nil for `{}`: no such chat (or, from `route-2`, the right to announce it not taken).
        init?(_ reply: RESPValue) throws {
            let parts = try reply.values()
            guard parts.count == 2, let fields = try RoutingStore.fields(parts[0]) else { return nil }
            self.fields = fields
            transcript = try RoutingStore.lines(parts[1])
        }
    }

    /// The visitor's lines the agent of an active chat was not sent yet, claimed (oldest first).
    public func claimUnsent(_ chat: String) async throws -> ClaimedLines {
        try await run(RoutingLua.claimUnsent, keys: [keys.events, keys.chat(chat), keys.transcript(chat)], [chat, Self.leaseMs])
    }

    /// The XMPP server took the claimed lines up to `sent` (of a claim that ended at `claimed`)
    /// for `agent`: marks them sent and ends the claim. When it took them all, claims the lines
    /// stored meanwhile (left to this claim), to send and confirm in turn; when not, the rest go
    /// to the next claimer.
    public func confirmSent(chat: String, agent: String, sent: Int, claimed: Int) async throws -> ClaimedLines {
        try await run(
            RoutingLua.confirmSent, keys: [keys.events, keys.chat(chat), keys.transcript(chat)],
            [chat, agent, String(sent), Self.leaseMs, String(claimed)])
    }

    /// Active chats of `agents` whose agent is owed visitor lines (a router died between storing and sending).
    public func owedChats(agents: some Collection<String>) async throws -> [String] {
        try await leftovers(agents: agents).owed
    }

    /// The chat's fields (nil if there is no such chat) and its transcript, in one round trip.
    public func chatWithTranscript(_ id: String) async throws -> (fields: [String: String], transcript: [TranscriptLine])? {
        let replies = try await redis.pipeline([
            RedisCommand("HGETALL", [keys.chat(id)]), RedisCommand("LRANGE", [keys.transcript(id), "0", "-1"]),
        ])
        guard let fields = try Self.fields(replies[0]) else { return nil }
        return (fields, try Self.lines(replies[1]))
    }

    static func fields(_ reply: RESPValue) throws -> [String: String]? {
        let values = try reply.values()
        guard !values.isEmpty else { return nil }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: values.count - 1, by: 2) {
            fields[try values[index].text()] = try values[index + 1].text()
        }
        return fields
    }

    static func lines(_ reply: RESPValue) throws -> [TranscriptLine] {
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
        let timers: DueTimers = try await run(RoutingLua.dueTimers, keys: [keys.timers], [String(limit)], writes: false)
        return (timers.due, timers.next)
    }

    /// Succeeds once Redis answers (the client waits for a connection, with backoff).
    public func ping() async throws {
        _ = try await redis.send("PING")
    }

    /// Sets a chat's timer of `kind` to fire after `delay`, or clears it (nil); false for a closed chat.
    @discardableResult
    public func setTimer(chat: String, _ kind: String, after delay: Duration?) async throws -> Bool {
        let change: TimerChange = try await run(
            RoutingLua.setTimer, keys: [keys.events, keys.chat(chat), keys.timers, keys.chatTimers(chat)],
            [chat, kind, String(delay?.milliseconds ?? -1)])
        return change.done
    }

    /// Which of `agents` are available now.
    public func available(_ agents: [String]) async throws -> Set<String> {
        guard !agents.isEmpty else { return [] }
        let replies = try await redis.pipeline(agents.map { RedisCommand("HGET", [keys.agent($0), "presence"]) })
        return Set(zip(agents, replies).filter { $0.1.string == AgentPresence.available.rawValue }.map(\.0))
    }

    /// Whether any of `agents` is available now, in one script that stops at the first who is.
    public func anyAvailable(_ agents: [String]) async throws -> Bool {
        guard !agents.isEmpty else { return false }
        return try await redis.evalScript(RoutingLua.anyAvailable, keys: [keys.events], args: agents).number() == 1
    }

    /// The chats waiting in `queue`, front first, with their visitors (at most `limit`).
    public func waitingVisitors(_ queue: String, limit: Int = 50) async throws -> [(chat: String, visitor: String)] {
        try await visitors(of: try await waitingChats(queue, limit: limit)).map { ($0.chat, $0.visitor) }
    }

    /// The chats waiting in `queue`, front first (at most `limit`).
    public func waitingChats(_ queue: String, limit: Int = 50) async throws -> [String] {
        try await redis.send("ZRANGE", keys.waiting(queue), "0", String(limit - 1)).values().map { try $0.text() }
    }

    /// The visitor of each chat and the address they wrote to, in one round trip (chats that are gone are left out).
    public func visitors(of chats: [String]) async throws -> [(chat: String, visitor: String, address: String?)] {
        guard !chats.isEmpty else { return [] }
        let fields = try await redis.pipeline(chats.map { RedisCommand("HMGET", [keys.chat($0), "visitor", "address"]) })
        return zip(chats, fields).compactMap { chat, reply in
            let values = reply.array ?? []
            guard let visitor = values.first?.string else { return nil }
            return (chat, visitor, values.dropFirst().first?.string)
        }
    }

    /// A supervisor starts watching an open chat: `.done(agent holding it)` or `.refused(state)`.
    public func monitor(chat: String, supervisor: String) async throws -> Outcome {
        try await run(RoutingLua.monitor, keys: [keys.events, keys.chat(chat), keys.monitors(chat)], [chat, supervisor])
    }

    /// Notes that the agent holding `chat` has been told about it.
    public func markAnnounced(_ chat: String) async throws {
        _ = try await redis.send("HSET", keys.chat(chat), "announced", "1")
    }

    /// Marks `chat` announced and gives the right to announce it back, in one round trip.
    func markAnnouncedAndRelease(_ chat: String) async throws {
        _ = try await redis.pipeline([RedisCommand("HSET", [keys.chat(chat), "announced", "1"]), RedisCommand("DEL", [keys.announcing(chat)])])
    }

    /// Takes the right to announce `chat` for `hold` (false: another router holds it). The one
    /// that gave the chat takes it at once; a sweep takes it after a router died before telling.
    public func claimAnnouncement(_ chat: String, hold: Duration = .seconds(10)) async throws -> Bool {
        try await redis.send("SET", keys.announcing(chat), "1", "NX", "PX", String(hold.milliseconds)).string == "OK"
    }

    /// Gives the right back once the chat is announced (a sweep then finds it announced).
    public func releaseAnnouncement(_ chat: String) async throws {
        _ = try await redis.send("DEL", keys.announcing(chat))
    }

    /// Whether the agent of `chat` was told of it.
    public func isAnnounced(_ chat: String) async throws -> Bool {
        try await redis.send("HGET", keys.chat(chat), "announced").string != "0"
    }

    /// Chats given to one of `agents` who was never told (the router died in between).
    public func unannounced(agents: some Collection<String>) async throws -> [Assignment] {
        try await leftovers(agents: agents).unannounced
    }

    /// What a router that died left undone, from one read of the marks of every chat given to one
    /// of `agents` (the workflow's): chats given to an agent who was never told, and active chats
    /// whose agent is owed visitor lines. Only chats agents hold are read, never the waiting ones:
    /// with 100,000 chats waiting, reading them all every 5 s cost each router 1.3 GB and Redis
    /// 100,000 HMGETs a sweep. (An agent removed from the workflow had their chats requeued.)
    public func leftovers(agents: some Collection<String>) async throws -> (unannounced: [Assignment], owed: [String]) {
        guard !agents.isEmpty else { return ([], []) }
        let held = try await redis.pipeline(agents.map { RedisCommand("SMEMBERS", [keys.agentChats($0)]) })
        var seen = Set<String>(), open: [String] = []
        for reply in held {
            for chat in try reply.values().map({ try $0.text() }) where seen.insert(chat).inserted { open.append(chat) }
        }
        guard !open.isEmpty else { return ([], []) }
        let fields = try await redis.pipeline(open.map {
            RedisCommand("HMGET", [keys.chat($0), "state", "agent", "queue", "announced", "said", "forwarded"])
        })
        var unannounced: [Assignment] = [], owed: [String] = []
        for (chat, reply) in zip(open, fields) {
            let values = try reply.values(6).map(\.string)
            let state = values[0].flatMap(ChatStatus.init(rawValue:))
            if values[3] == "0", let agent = values[1], let queue = values[2], let state, state == .offered || state == .active {
                unannounced.append(Assignment(chat: chat, agent: agent, queue: queue, state: state))
            }
            if state == .active, let said = values[4].flatMap(Int.init), let forwarded = values[5].flatMap(Int.init), forwarded < said {
                owed.append(chat)
            }
        }
        return (unannounced, owed)
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

    /// Publishes `text` as it is on `channel`.
    public func publish(text: String, on channel: String) async throws {
        _ = try await redis.send("PUBLISH", channel, text)
    }

    /// The connection settings of this store's Redis, for a subscription of its own.
    public var redisConfiguration: RedisConfiguration { redis.configuration }

    /// Runs one routing script; `scriptKeys` are its KEYS, as many as its name says.
    /// `writes: false` for a script that only reads: it waits for no replica.
    func run<Reply: ScriptReply>(_ script: RedisScript, keys scriptKeys: [String], _ arguments: [String], writes: Bool = true)
        async throws -> Reply
    {
        try Reply(reply: try await redis.evalScript(script, keys: scriptKeys, args: arguments, acknowledgement: writes ? acknowledgement : nil))
    }
}
