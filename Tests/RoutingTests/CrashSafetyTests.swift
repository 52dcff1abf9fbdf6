import Foundation
import Synchronization
import Logging
import Redis
import Routing
import SwitchboardTesting
import Testing
import XMPP

/// The router killed with SIGKILL at random moments while 200 chats arrive: afterwards every chat
/// is queued or active with exactly one agent, none lost, none assigned twice, and every visitor
/// message is in its transcript exactly once.
@Suite(.serialized) struct CrashSafetyTests {
    static let agents = (1...5).map { "agent\($0)" }
    static let visitors = (1...200).map { "visitor\($0)" }
    static let messagesPerVisitor = 3
    static let kills = 20
    static let capacity = 40

    @Test func aRouterKilledAtRandomLosesAndDoublesNothing() async throws {
        let accounts = Dictionary(uniqueKeysWithValues: (Self.agents + Self.visitors).map { ($0, "secret") })
        try await withProsodyServer(.init(accounts: accounts)) { prosody in
            try await withRedisServer { redisServer in
                let agentLines = Self.agents.map {
                    "  - { jid: \($0)@localhost, name: \($0), skills: { help: 5 }, max_chats: \(Self.capacity) }"
                }
                let router = try RouterProcess(server: prosody, redisURL: redisServer.url, routing: """
                    limits: { flood: { messages: 100, per: 1s } }
                    queues:
                      - { name: help, skills: [help] }
                    agents:
                    \(agentLines.joined(separator: "\n"))
                    """)
                var logger = Logger(label: "crash-test")
                logger.logLevel = .warning
                let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisServer.url)), logger: logger)
                var clients: [XMPPClient] = []
                try await withCleanup {
                    try await router.start()
                    for agent in Self.agents {
                        let client = try await XMPPClient.connect(prosody.clientConfiguration(agent), logger: logger)
                        clients.append(client)
                        try await client.send(Presence())
                        try await client.send(Presence(to: try JID(prosody.serviceDomain)))
                    }
                    let visitors = try await Self.connectVisitors(prosody, logger: logger)
                    clients += visitors
                    let receipts = Receipts()
                    let readers = visitors.map { client in Task { await receipts.read(client) } }
                    defer { readers.forEach { $0.cancel() } }

                    // The burst, and the killing, at the same time.
                    let queue = try JID("help@\(prosody.serviceDomain)")
                    let chatting = Task {
                      try await withThrowingTaskGroup(of: Void.self) { group in
                        for client in visitors {
                            group.addTask {
                                for number in 1...Self.messagesPerVisitor {
                                    try await receipts.deliver(client, to: queue, id: "\(client.jid.local!)-m\(number)")
                                }
                            }
                        }
                        try await group.waitForAll()
                      }
                    }
                    var random = SeededRandom(seed: 2026)
                    for _ in 1...Self.kills {
                        try await Task.sleep(for: .milliseconds(Int.random(in: 20...400, using: &random)))
                        await router.kill()
                        try await router.start()
                    }
                    try await within(.seconds(120), "every message to be confirmed") { try await chatting.value }

                    try await Self.checkState(redis: redis, agentCapacity: Self.capacity)
                } cleanup: {
                    for client in clients { await client.close() }
                    await redis.close()
                    await router.stop()
                }
            }
        }
    }

    static func connectVisitors(_ prosody: any XMPPServer, among visitors: [String] = visitors, logger: Logger) async throws
        -> [XMPPClient]
    {
        try await withThrowingTaskGroup(of: XMPPClient.self) { group in
            for visitor in visitors {
                group.addTask { try await XMPPClient.connect(prosody.clientConfiguration(visitor), logger: logger) }
            }
            var clients: [XMPPClient] = []
            for try await client in group {
                try await client.send(Presence())
                clients.append(client)
            }
            return clients
        }
    }

    /// The invariants, read from Redis once everything is confirmed.
    static func checkState(redis: RedisClient, agentCapacity: Int) async throws {
        let keys = RoutingKeys(prefix: "sb")
        let store = RoutingStore(redis: redis, prefix: "sb")
        let open = try #require(try await redis.send("SMEMBERS", keys.openChats).array?.compactMap(\.string))
        #expect(open.count == visitors.count, "one chat per visitor, none lost, none duplicated")
        var holders: [String: String] = [:]
        for agent in agents {
            let jid = "\(agent)@localhost"
            let chats = try #require(try await redis.send("SMEMBERS", keys.agentChats(jid)).array?.compactMap(\.string))
            let load = try await redis.send("HGET", keys.agent(jid), "load").int ?? 0
            #expect(load == chats.count && load <= agentCapacity, "\(agent): load \(load), chats \(chats.count)")
            for chat in chats {
                #expect(holders[chat] == nil, "chat \(chat) held by \(holders[chat] ?? "") and \(jid)")
                holders[chat] = jid
            }
        }
        var seenVisitors: Set<String> = []
        for chat in open {
            let fields = try #require(try await store.chat(chat))
            seenVisitors.insert(fields["visitor"] ?? "")
            switch fields["state"] {
            case "active":
                #expect(holders[chat] == fields["agent"], "active chat \(chat) and its agent agree")
                #expect(fields["announced"] == "1", "the agent of chat \(chat) was told about it")
            case "queued":
                #expect(holders[chat] == nil && fields["agent"] == "", "queued chat \(chat) has no agent")
                #expect(try await store.waiting("help").contains(chat))
            default:
                Issue.record("chat \(chat) is \(fields["state"] ?? "missing")")
            }
            let texts = try await store.transcript(chat).map(\.text)
            let visitor = fields["visitor"]?.prefix { $0 != "@" } ?? ""
            let expected = (1...messagesPerVisitor).map { "\(visitor)-m\($0)" }
            #expect(texts == expected, "chat \(chat): each message once, in order: \(texts)")
        }
        #expect(seenVisitors.count == visitors.count)
        try await checkEvents(redis: redis, keys: keys)
    }

    /// Replays the event stream: a chat is never given to an agent while another still holds it.
    static func checkEvents(redis: RedisClient, keys: RoutingKeys) async throws {
        let entries = try await redis.send("XRANGE", keys.events, "-", "+").array ?? []
        var holder: [String: String] = [:]
        for entry in entries {
            guard let fields = entry.array?.last?.array?.compactMap(\.string) else { continue }
            let event = Dictionary(stride(from: 0, to: fields.count - 1, by: 2).map { (fields[$0], fields[$0 + 1]) },
                                   uniquingKeysWith: { first, _ in first })
            let chat = event["chat"] ?? ""
            switch event["type"] {
            case "assigned", "offered":
                #expect(holder[chat] == nil, "chat \(chat) given to \(event["agent"] ?? "") while \(holder[chat] ?? "") held it")
                holder[chat] = event["agent"]
            case "requeued", "declined", "offer_timeout", "closed", "transferred":
                holder[chat] = nil
            default:
                break
            }
        }
    }
}

/// Message receipts (XEP-0184) seen by the visitors, and the resending that relies on them.
actor Receipts {
    private var confirmed: Set<String> = []
    var count: Int { confirmed.count }
    private var waiting: [String: CheckedContinuation<Bool, Never>] = [:]

    /// Sends a message asking for a receipt, again and again, until the router confirms it.
    nonisolated func deliver(_ client: XMPPClient, to queue: JID, id: String) async throws {
        while true {
            var message = Message(to: queue, id: id, body: id)
            message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
            try await client.send(message)
            if await wait(for: id, upTo: .seconds(2)) { return }
        }
    }

    /// Reads one client's stanzas: receipts confirm, bounces (router down) call for a resend.
    nonisolated func read(_ client: XMPPClient) async {
        do {
            for try await case .message(let message) in client.stanzas {
                if let id = message.element.child("received", namespace: "urn:xmpp:receipts")?[attribute: "id"] {
                    await settle(id, confirmed: true)
                } else if message.type == .error, let id = message.id {
                    await settle(id, confirmed: false)
                }
            }
        } catch {}
    }

    private func settle(_ id: String, confirmed isConfirmed: Bool) {
        if isConfirmed { confirmed.insert(id) }
        waiting.removeValue(forKey: id)?.resume(returning: isConfirmed)
    }

    private func wait(for id: String, upTo limit: Duration) async -> Bool {
        if confirmed.contains(id) { return true }
        let timeout = Task {
            try await Task.sleep(for: limit)
            self.settle(id, confirmed: false)
        }
        defer { timeout.cancel() }
        return await withCheckedContinuation { waiting[id] = $0 }
    }
}

/// A small deterministic generator, so a failing run can be repeated.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

