import Foundation
import Logging
import Redis
import Routing
import SwitchboardTesting
import Synchronization
import Testing
import XMPP

/// One fault scenario's processes and clients, the lines the visitors were confirmed, and the
/// checks every scenario ends with.
final class FaultRig: Sendable {
    let router: RouterProcess
    let prosody: ProsodyServer
    let redisServer: RedisServer
    let redis: RedisClient
    let store: RoutingStore
    /// What Bob and Alice's desk saw; Alice's phone, when there is one, has an inbox of its own.
    let inbox: AgentInbox
    let phoneInbox: AgentInbox
    let receipts: Receipts
    let agents: [Seat]
    let visitors: [Seat]
    let phone: XMPPClient?
    let queue: JID
    private let logger: Logger
    /// Per visitor, the ids of the lines sent with a receipt asked for.
    private let sent = Mutex<[String: [String]]>([:])
    /// Every client connected after the start (a reconnect), and its reader: closed and
    /// cancelled at the end.
    private let reconnected = Mutex<(clients: [XMPPClient], readers: [Task<Void, Never>])>(([], []))

    init(
        router: RouterProcess, prosody: ProsodyServer, redisServer: RedisServer, redis: RedisClient, inbox: AgentInbox,
        phoneInbox: AgentInbox, receipts: Receipts, agents: [XMPPClient], visitors: [XMPPClient], phone: XMPPClient?, queue: JID,
        logger: Logger
    ) {
        self.router = router
        self.prosody = prosody
        self.redisServer = redisServer
        self.redis = redis
        store = RoutingStore(redis: redis, prefix: "sb")
        self.inbox = inbox
        self.phoneInbox = phoneInbox
        self.receipts = receipts
        self.agents = agents.map(Seat.init)
        self.visitors = visitors.map(Seat.init)
        self.phone = phone
        self.queue = queue
        self.logger = logger
    }

    /// Notes a line `visitor` sends; each must reach an agent, and the transcript, exactly once.
    func expect(_ id: String, from visitor: String) {
        sent.withLock { $0[visitor, default: []].append(id) }
    }

    /// Sends a line until the router confirms it, as a client does: again on the next connection
    /// when the XMPP server dropped this one.
    func deliver(_ visitor: Seat, id: String) async throws {
        while true {
            let client = visitor.client
            do {
                try await receipts.deliver(client, to: queue, id: id)
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A connection is no event source once it is gone: look for its successor.
                try await poll(.seconds(60), "\(visitor.name) to reconnect", every: .milliseconds(20)) { visitor.isReplaced(client) }
            }
        }
    }

    /// Every visitor sends `FaultTests.lines` lines, one after the other, each resent until
    /// confirmed; `fault` strikes once part of them is confirmed.
    func burst(_ fault: @Sendable () async throws -> Void) async throws {
        for visitor in visitors {
            for number in 1...FaultTests.lines { expect("\(visitor.name)-\(number)", from: visitor.name) }
        }
        let receipts = receipts, visitors = visitors
        let sending = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for visitor in visitors {
                    group.addTask {
                        for number in 1...FaultTests.lines {
                            try await self.deliver(visitor, id: "\(visitor.name)-\(number)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        defer { sending.cancel() }
        let before = await receipts.count
        // The receipts count is no event a test can await, and the fault must strike mid-burst.
        try await poll(.seconds(60), "part of the burst to be confirmed", every: .milliseconds(5)) {
            await receipts.count >= before + visitors.count * 3
        }
        try await fault()
        try await within(.seconds(120), "every line of the burst to be confirmed") { try await sending.value }
    }

    /// After the XMPP server restarted: every agent and visitor connects again and says it is
    /// available, as their clients do (agents first, as consoles reconnect at once; the
    /// visitors' widgets and apps come back as they may).
    func reconnectEveryone() async throws {
        for agent in agents {
            let client = try await XMPPClient.connect(prosody.clientConfiguration(agent.name), logger: logger)
            // Broadcast to the roster, the service included: a router already back hears it,
            // one joining later probes it.
            try await client.send(Presence())
            adopt(client, reader: Task { [inbox] in await inbox.read(client) })
            agent.replace(with: client)
        }
        for visitor in visitors {
            let client = try await XMPPClient.connect(prosody.clientConfiguration(visitor.name), logger: logger)
            try await client.send(Presence())
            adopt(client, reader: Task { [receipts] in await receipts.read(client) })
            visitor.replace(with: client)
        }
    }

    private func adopt(_ client: XMPPClient, reader: Task<Void, Never>) {
        reconnected.withLock {
            $0.clients.append(client)
            $0.readers.append(reader)
        }
    }

    /// Closes the connections made by `reconnectEveryone`.
    func closeReconnected() async {
        let (clients, readers) = reconnected.withLock { $0 }
        readers.forEach { $0.cancel() }
        for client in clients { await client.close() }
    }

    /// The checks after a fault, once a last line from every visitor has reached the agents.
    /// `acrossACrash`: the router died, or its link dropped, with lines the XMPP server may have
    /// taken unknown to it; it sends those again with the same id, and a line is counted as a
    /// client shows it (once). Otherwise no line may even come twice.
    func check(acrossACrash: Bool = false) async throws {
        // The fence: a chat's lines reach its agent in order, so once every visitor's last line is
        // there, a copy of an earlier one would have been too.
        for visitor in visitors {
            let id = "\(visitor.name)-end"
            try await deliver(visitor, id: id)
            expect(id, from: visitor.name)
        }
        let expected = sent.withLock { $0 }
        let all = expected.values.flatMap { $0 }
        let ends = visitors.map { "\($0.name)-end" }
        try await poll(.seconds(30), "every visitor's last line at an agent", every: .milliseconds(20)) { [inbox] in
            await inbox.hasSeen(ends)
        }
        let counts = acrossACrash ? await inbox.shown : await inbox.counts
        let doubled = all.filter { (counts[$0] ?? 0) > 1 }.map { "\($0)×\(counts[$0]!)" }
        #expect(doubled.isEmpty, "no confirmed line reaches an agent twice: \(doubled)")
        let missing = all.filter { counts[$0] == nil }
        #expect(missing.isEmpty, "every confirmed line reaches an agent: \(missing)")
        let twice = (acrossACrash ? await phoneInbox.shown : await phoneInbox.counts).filter { $0.value > 1 }
        #expect(twice.isEmpty, "the phone saw no line twice: \(twice)")
        try await checkChats(expected)
        for agent in FaultTests.agents {
            let presence = try await store.agentStatus("\(agent)@localhost").presence
            #expect(presence == .available, "\(agent) said available, Redis says \(presence)")
        }
    }

    /// Every visitor has one open chat, active with one agent, its transcript holding each line once.
    private func checkChats(_ expected: [String: [String]]) async throws {
        let keys = RoutingKeys(prefix: "sb")
        let open = try #require(try await redis.send("SMEMBERS", keys.openChats).array?.compactMap(\.string))
        #expect(open.count == visitors.count, "one chat per visitor: \(open)")
        var holders: [String: String] = [:]
        for agent in FaultTests.agents {
            let jid = "\(agent)@localhost"
            let chats = try #require(try await redis.send("SMEMBERS", keys.agentChats(jid)).array?.compactMap(\.string))
            let load = try await redis.send("HGET", keys.agent(jid), "load").int ?? 0
            #expect(load == chats.count, "\(agent): load \(load), chats \(chats.count)")
            for chat in chats {
                #expect(holders[chat] == nil, "chat \(chat) with \(holders[chat] ?? "") and \(jid)")
                holders[chat] = jid
            }
        }
        for chat in open {
            let fields = try #require(try await store.chat(chat))
            #expect(fields["state"] == "active" && holders[chat] == fields["agent"], "chat \(chat): \(fields)")
            let visitor = String(fields["visitor"]?.prefix { $0 != "@" } ?? "")
            let texts = try await store.transcript(chat).map(\.text)
            let wrong = (expected[visitor] ?? []).filter { id in texts.count { $0 == id } != 1 }.map { id in
                "\(id)×\(texts.count { $0 == id })"
            }
            let doubled = wrong.filter { !$0.hasSuffix("×0") }
            #expect(doubled.isEmpty, "chat \(chat) of \(visitor): no line twice in the transcript: \(doubled)")
            #expect(wrong.isEmpty, "chat \(chat) of \(visitor): each line once in the transcript, not \(wrong) (\(texts.count) lines: \(texts.filter { $0.contains("after") || $0.hasSuffix("-end") }))")
        }
        try await CrashSafetyTests.checkEvents(redis: redis, keys: keys)
    }
}
