import Synchronization

/// Everything a fault run saw, as it happened: each visitor line (sent, confirmed, reached which
/// agent, answered), each chat (who held it), each fault, and what Redis showed. The report's
/// numbers are counted from it afterwards (`FaultReport`). Times are `BenchClock` nanoseconds.
final class FaultLedger: Sendable {
    struct LineKey: Hashable, Sendable {
        let chat: Int
        let sequence: Int
    }

    struct Line: Sendable {
        var firstSent: UInt64
        var attempts = 1
        /// The receipt (XMPP) or `received` (web): the service kept it.
        var confirmed: UInt64?
        /// Per agent, how many copies reached it.
        var copies: [Int: Int] = [:]
        /// The agent's answer reached the visitor.
        var answered: UInt64?
    }

    struct Chat: Sendable {
        let web: Bool
        let started: UInt64
        /// When the visitor ended it (the router may close it a moment later).
        var ended: UInt64?
        /// The first of its lines to reach an agent.
        var assigned: UInt64?
        var agents: Set<Int> = []
        /// Per agent, the address the chat's lines came from (the router's chat address).
        var addresses: [Int: String] = [:]
    }

    struct Fault: Sendable {
        let kind: FaultKind
        let at: UInt64
        /// When the fault's own action was over (the router restarted and joined, the old master
        /// back as a replica, ejabberd listening again); nil if it failed.
        var done: UInt64?
        var failure: String?
    }

    /// A Redis reading that broke a rule: a chat in two agents' sets, or an agent over its `max_chats`.
    struct Breach: Sendable {
        let at: UInt64
        let what: String
        let doubled: Bool
    }

    private struct State {
        var lines: [LineKey: Line] = [:]
        var chats: [Int: Chat] = [:]
        var faults: [Fault] = []
        var breaches: [Breach] = []
        /// Agent-side: a chat reached an agent already holding `capacity` chats the visitors had not ended.
        var overCapacity: [(at: UInt64, agent: Int, held: Int)] = []
        var errors: [String] = []
        var errorCount = 0
        var redisSamples = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func chatStarted(_ chat: Int, web: Bool, at now: UInt64) {
        state.withLock { $0.chats[chat] = Chat(web: web, started: now) }
    }

    func chatEnded(_ chat: Int, at now: UInt64) {
        state.withLock { $0.chats[chat]?.ended = now }
    }

    func sent(_ key: LineKey, at now: UInt64) {
        state.withLock { state in
            if state.lines[key] == nil { state.lines[key] = Line(firstSent: now) } else { state.lines[key]!.attempts += 1 }
        }
    }

    func confirmed(_ key: LineKey, at now: UInt64) {
        state.withLock { state in
            if state.lines[key] != nil, state.lines[key]!.confirmed == nil { state.lines[key]!.confirmed = now }
        }
    }

    func answered(_ key: LineKey, at now: UInt64) {
        state.withLock { state in
            if state.lines[key] != nil, state.lines[key]!.answered == nil { state.lines[key]!.answered = now }
        }
    }

    /// A visitor line reached `agent`; true when it is the first copy that agent got (answer it).
    func delivered(_ key: LineKey, to agent: Int, from address: String, at now: UInt64) -> Bool {
        state.withLock { state in
            if state.lines[key] == nil { state.lines[key] = Line(firstSent: now) }
            let copies = state.lines[key]!.copies[agent, default: 0] + 1
            state.lines[key]!.copies[agent] = copies
            guard copies == 1 else { return false }
            if var chat = state.chats[key.chat], !chat.agents.contains(agent) {
                chat.agents.insert(agent)
                chat.addresses[agent] = address
                if chat.assigned == nil { chat.assigned = now }
                state.chats[key.chat] = chat
                // The chats this agent holds as far as the visitors know: reached it, not ended.
                let held = state.chats.values.count { $0.agents.contains(agent) && $0.ended == nil }
                if held > capacity { state.overCapacity.append((now, agent, held)) }
            }
            return true
        }
    }

    func faultStruck(_ kind: FaultKind, at now: UInt64) -> Int {
        state.withLock { state in
            state.faults.append(Fault(kind: kind, at: now))
            return state.faults.count - 1
        }
    }

    func faultDone(_ index: Int, at now: UInt64, failure: String? = nil) {
        state.withLock { state in
            state.faults[index].done = failure == nil ? now : nil
            state.faults[index].failure = failure
        }
    }

    func breach(_ what: String, doubled: Bool, at now: UInt64) {
        state.withLock { $0.breaches.append(Breach(at: now, what: what, doubled: doubled)) }
    }

    func sampledRedis() {
        state.withLock { $0.redisSamples += 1 }
    }

    func error(_ description: String) {
        state.withLock { state in
            state.errorCount += 1
            if state.errors.count < 10 { state.errors.append(description) }
        }
    }

    /// Whether every chat started has ended and every line sent is confirmed (the drain can stop).
    var isSettled: Bool {
        state.withLock { state in
            state.chats.values.allSatisfy { $0.ended != nil } && state.lines.values.allSatisfy { $0.confirmed != nil }
        }
    }

    /// Chats started and lines sent so far, for the progress line.
    var counts: (chats: Int, lines: Int, confirmed: Int, errors: Int) {
        state.withLock { state in
            (state.chats.count, state.lines.count, state.lines.values.count { $0.confirmed != nil }, state.errorCount)
        }
    }

    /// Everything recorded, for the report.
    var snapshot: FaultRecord {
        state.withLock { state in
            FaultRecord(
                lines: state.lines, chats: state.chats, faults: state.faults, breaches: state.breaches,
                overCapacity: state.overCapacity.map { FaultRecord.OverCapacity(at: $0.at, agent: $0.agent, held: $0.held) },
                errors: state.errors, errorCount: state.errorCount, redisSamples: state.redisSamples)
        }
    }
}

/// A copy of the ledger at the end of a run.
struct FaultRecord: Sendable {
    struct OverCapacity: Sendable {
        let at: UInt64
        let agent: Int
        let held: Int
    }

    var lines: [FaultLedger.LineKey: FaultLedger.Line]
    var chats: [Int: FaultLedger.Chat]
    var faults: [FaultLedger.Fault]
    var breaches: [FaultLedger.Breach]
    var overCapacity: [OverCapacity]
    var errors: [String]
    var errorCount: Int
    var redisSamples: Int
}
