import Foundation
import Logging
import RoutingTesting
import SwitchboardTesting
import Synchronization
import Testing
import XMPP

/// A hot standby behind Prosody (issue 13, item 3): two `switchboard router --standby` processes
/// on one Redis; Prosody lets one hold the service domain and refuses the other (`conflict`). The
/// active one is SIGKILLed while a visitor writes a line every 50 ms; the standby takes over and
/// the visitor's next line is routed. Repeated, the roles swapping each run; the takeover time and
/// the lines the visitor saw bounced or unanswered are printed.
@Suite(.serialized) struct StandbyTests {
    static let runs = 5
    static let interval: Duration = .milliseconds(50)

    @Test func aStandbyTakesOverWhenTheActiveRouterIsKilled() async throws {
        try await withProsodyServer(.init(accounts: ["alice": "secret", "visitor1": "secret"])) { prosody in
            try await withRedisServer { redisServer in
                let routing = """
                    limits: { flood: { messages: 1000, per: 1s } }
                    queues:
                      - { name: help, skills: [help] }
                    agents:
                      - { jid: alice@localhost, name: Alice, skills: { help: 5 }, max_chats: 10 }
                    """
                let standby = ["--standby", "--standby-interval", "250"]
                let routers = try (0..<2).map { _ in
                    try RouterProcess(server: prosody, redisURL: redisServer.url, arguments: standby, routing: routing)
                }
                var logger = Logger(label: "standby-test")
                logger.logLevel = .warning
                var clients: [XMPPClient] = []
                var readers: [Task<Void, Never>] = []
                try await withCleanup {
                    // Both are started alike: the first to reach Prosody is active, the other stands by.
                    try await routers[0].start()
                    try routers[1].launch()
                    try await routers[1].waitForLog("standing by")
                    let alice = try await XMPPClient.connect(prosody.clientConfiguration("alice"), logger: logger)
                    clients.append(alice)
                    try await alice.send(Presence())
                    try await FaultTests.subscribe(alice, domain: prosody.serviceDomain)
                    try await LiveRouter.available(alice, domain: prosody.serviceDomain)
                    let inbox = AgentInbox()
                    readers.append(Task { await inbox.read(alice) })
                    let visitor = try await XMPPClient.connect(prosody.clientConfiguration("visitor1"), logger: logger)
                    clients.append(visitor)
                    try await visitor.send(Presence())
                    let lines = LineLedger()
                    readers.append(Task { await lines.read(visitor) })
                    let queue = try JID("help@\(prosody.serviceDomain)")
                    try await lines.fence(visitor, to: queue, id: "opening")
                    try await poll(.seconds(60), "the opening line at Alice", every: .milliseconds(20)) { await inbox.hasSeen(["opening"]) }

                    var active = 0
                    var takeovers: [Duration] = []
                    var losses: [(bounced: Int, unanswered: Int)] = []
                    for run in 1...Self.runs {
                        let standing = 1 - active
                        let joined = routers[standing].occurrences("router ready")
                        let sending = Task { try await lines.stream(visitor, to: queue, prefix: "run\(run)-", every: Self.interval) }
                        try await poll(.seconds(60), "lines confirmed before the kill", every: .milliseconds(10)) {
                            await lines.confirmed(prefix: "run\(run)-") >= 5
                        }
                        let killed = ContinuousClock.now
                        await routers[active].kill()
                        try await routers[standing].waitForLog("router ready", count: joined + 1)
                        // The visitor's view: the first line sent after the kill that the router confirmed.
                        let resumed = try await poll(.seconds(60), "a line sent after the kill confirmed", every: .milliseconds(10)) {
                            await lines.firstConfirmation(sentAfter: killed)
                        }
                        sending.cancel()
                        _ = await sending.result
                        // The fence: lines of one sender are answered in order, so every earlier line
                        // that will ever be answered has been once this one is.
                        let fence = "run\(run)-fence"
                        try await lines.fence(visitor, to: queue, id: fence)
                        try await poll(.seconds(60), "the fence at Alice", every: .milliseconds(20)) { await inbox.hasSeen([fence]) }
                        takeovers.append(resumed - killed)
                        losses.append(await lines.losses(prefix: "run\(run)-"))
                        // The killed router comes back as the standby.
                        let stood = routers[active].occurrences("standing by")
                        try routers[active].launch()
                        try await routers[active].waitForLog("standing by", count: stood + 1)
                        active = standing
                    }
                    // A standby that never took over stops cleanly on SIGTERM.
                    routers[1 - active].signal(SIGTERM)
                    #expect(await routers[1 - active].waitForExit() == 0, "the standby exits 0 on SIGTERM")
                    // The active router is killed: a line it sent, whose confirmation it did not live to
                    // see, goes again under the same id (`RelayedLineID`), which a client drops.
                    let copies = await inbox.counts.filter { $0.value > 1 }.count
                    let twice = await inbox.shown.filter { $0.value > 1 }
                    #expect(twice.isEmpty, "no line shown to Alice twice: \(twice) (copies under one id: \(copies))")
                    #expect(takeovers.count == Self.runs)
                    let sorted = takeovers.sorted()
                    print("""
                        standby takeover (kill → first confirmed line, a line every \(Self.interval)): \
                        median \(sorted[sorted.count / 2]), all \(takeovers); \
                        per run (bounced by Prosody, unanswered): \(losses)
                        """)
                } cleanup: {
                    readers.forEach { $0.cancel() }
                    for client in clients { await client.close() }
                    for router in routers { await router.stop() }
                }
            }
        }
    }
}

/// One visitor's lines: when each was sent, and whether the router confirmed it (XEP-0184) or
/// Prosody bounced it (no component connected).
actor LineLedger {
    private var sent: [String: ContinuousClock.Instant] = [:]
    private var confirmations: [String: ContinuousClock.Instant] = [:]
    private var bounced: Set<String> = []
    /// Those waiting for a line's receipt or bounce.
    private var waiting: [String: CheckedContinuation<Void, Never>] = [:]

    /// Sends a line every `interval` until cancelled.
    nonisolated func stream(_ client: XMPPClient, to queue: JID, prefix: String, every interval: Duration) async throws {
        var number = 0
        while !Task.isCancelled {
            number += 1
            try await send(client, to: queue, id: "\(prefix)\(number)")
            try await Task.sleep(for: interval)  // the pace of a visitor typing fast, not a synchronisation
        }
    }

    /// Sends `id` until it is confirmed.
    nonisolated func fence(_ client: XMPPClient, to queue: JID, id: String) async throws {
        try await within(.seconds(60), "the router to confirm \(id)") {
            while await !self.isConfirmed(id) {
                try await self.send(client, to: queue, id: id)
                // Bounced, or no answer within 5 s (lost with a dying router): send it again.
                await self.answer(for: id, upTo: .seconds(5))
            }
        }
    }

    private nonisolated func send(_ client: XMPPClient, to queue: JID, id: String) async throws {
        await noteSent(id)
        var message = Message(to: queue, id: id, body: id)
        message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
        try await client.send(message)
    }

    nonisolated func read(_ client: XMPPClient) async {
        do {
            for try await case .message(let message) in client.stanzas {
                if let id = message.element.child("received", namespace: "urn:xmpp:receipts")?[attribute: "id"] {
                    await confirm(id)
                } else if message.type == .error, let id = message.id {
                    await bounce(id)
                }
            }
        } catch {}
    }

    private func noteSent(_ id: String) {
        sent[id] = .now
        bounced.remove(id)
    }

    private func confirm(_ id: String) {
        if confirmations[id] == nil { confirmations[id] = .now }
        wake(id)
    }

    private func bounce(_ id: String) {
        bounced.insert(id)
        wake(id)
    }

    /// Returns once `id` is confirmed or bounced, or after `limit` (a line lost with a dying router
    /// is never answered).
    private func answer(for id: String, upTo limit: Duration) async {
        guard !isAnswered(id) else { return }
        let deadline = Task {
            try await Task.sleep(for: limit)
            self.wake(id)
        }
        defer { deadline.cancel() }
        await withCheckedContinuation { waiting[id] = $0 }
    }

    private func wake(_ id: String) {
        waiting.removeValue(forKey: id)?.resume()
    }

    func isConfirmed(_ id: String) -> Bool { confirmations[id] != nil }
    func isAnswered(_ id: String) -> Bool { confirmations[id] != nil || bounced.contains(id) }

    func confirmed(prefix: String) -> Int { confirmations.keys.count { $0.hasPrefix(prefix) } }

    /// When the router first confirmed a line sent after `instant`.
    func firstConfirmation(sentAfter instant: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        confirmations.filter { id, _ in (sent[id] ?? instant) > instant }.values.min()
    }

    /// Of the streamed lines under `prefix`: how many Prosody bounced, how many had no answer at all.
    func losses(prefix: String) -> (bounced: Int, unanswered: Int) {
        let streamed = sent.keys.filter { $0.hasPrefix(prefix) && !$0.hasSuffix("fence") }
        return (streamed.count { bounced.contains($0) && confirmations[$0] == nil },
                streamed.count { !bounced.contains($0) && confirmations[$0] == nil })
    }
}
