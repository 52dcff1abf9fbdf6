import AgentProtocol
import Foundation
import Logging
import Routing
import Synchronization
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// `switchboard router` stopped by SIGTERM in the middle of a burst: the stanzas it had taken
/// are finished and sent before the stream closes, so every line the visitors were confirmed
/// (or confirmed after resending to the next router) reaches the agent exactly once.
@Suite(.serialized) struct ShutdownDrainTests {
    static let visitors = (1...5).map { "visitor\($0)" }
    static let burst = 30

    @Test(arguments: XMPPServerKind.allCases) func sigtermFinishesTheBurstInHand(_ server: XMPPServerKind) async throws {
        try await withXMPPServer(server, .init(accounts: Dictionary(uniqueKeysWithValues: (["alice"] + Self.visitors).map { ($0, "secret") }))) {
            xmpp in
            try await withRedisServer { redisServer in
                let router = try RouterProcess(server: xmpp, redisURL: redisServer.url, routing: """
                    limits: { flood: { messages: 1000, per: 1s } }
                    queues:
                      - { name: help, skills: [help] }
                    agents:
                      - { jid: alice@localhost, name: Alice, skills: { help: 5 }, max_chats: 10 }
                    """)
                var logger = Logger(label: "drain-test")
                logger.logLevel = .warning
                var clients: [XMPPClient] = []
                try await withCleanup {
                    try await router.start()
                    let alice = try await XMPPClient.connect(xmpp.clientConfiguration("alice"), logger: logger)
                    clients.append(alice)
                    try await alice.send(Presence())
                    try await RouterLiveTests.available(alice, domain: xmpp.serviceDomain)
                    let inbox = AgentInbox()
                    let reading = Task { await inbox.read(alice) }
                    defer { reading.cancel() }
                    let visitors = try await CrashSafetyTests.connectVisitors(xmpp, among: Self.visitors, logger: logger)
                    clients += visitors
                    let receipts = Receipts()
                    let readers = visitors.map { client in Task { await receipts.read(client) } }
                    defer { readers.forEach { $0.cancel() } }
                    let queue = try JID("help@\(xmpp.serviceDomain)")
                    for client in visitors { try await receipts.deliver(client, to: queue, id: "\(client.jid.local!)-0") }

                    // The burst, unconfirmed, and SIGTERM once part of it is confirmed.
                    for number in 1...Self.burst {
                        for client in visitors {
                            let id = "\(client.jid.local!)-\(number)"
                            var message = Message(to: queue, id: id, body: id)
                            message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
                            try await client.send(message)
                        }
                    }
                    try await poll(.seconds(20), "part of the burst to be confirmed", every: .milliseconds(5), until: {
                        await receipts.count >= Self.visitors.count * 4
                    })
                    router.signal(SIGTERM)
                    _ = await router.waitForExit()

                    // The next router; every visitor resends what was not confirmed (all of it: a
                    // confirmed line sent again is confirmed again and not passed on).
                    try await router.start()
                    let all = visitors.flatMap { client in (0...Self.burst).map { "\(client.jid.local!)-\($0)" } }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for client in visitors {
                            group.addTask {
                                for number in 0...Self.burst { try await receipts.deliver(client, to: queue, id: "\(client.jid.local!)-\(number)") }
                            }
                        }
                        try await group.waitForAll()
                    }
                    try await poll(.seconds(20), "every line at the agent", every: .milliseconds(20), until: { await inbox.hasSeen(all) })
                    let counts = await inbox.counts
                    #expect(all.filter { counts[$0] != 1 }.isEmpty, "each line exactly once: \(all.filter { counts[$0] != 1 }.map { "\($0)×\(counts[$0] ?? 0)" })")
                } cleanup: {
                    for client in clients { await client.close() }
                    await router.stop()
                }
            }
        }
    }
}

/// The visitors' lines an agent has seen, relayed or in an offer's history, counted: every copy
/// (`counts`), and as a client shows them that drops a relayed line whose id it saw (`shown`);
/// `shownInOrder`: each line as first shown, in the order the agents got them.
actor AgentInbox {
    private(set) var counts: [String: Int] = [:]
    private(set) var shown: [String: Int] = [:]
    private(set) var shownInOrder: [String] = []
    private var recent = RecentLines()

    nonisolated func read(_ client: XMPPClient) async {
        do {
            for try await case .message(let message) in client.stanzas {
                guard let body = message.body else { continue }
                await add(body.hasPrefix("New chat") ? body.split(separator: "\n").dropFirst().map { line in
                    String(line.split(separator: ": ", maxSplits: 1).last ?? "")
                } : [body], id: message.id)
            }
        } catch {}
    }

    private func add(_ lines: [String], id: String?) {
        let isNew = recent.isNew(id)
        for line in lines {
            counts[line, default: 0] += 1
            if isNew { shown[line, default: 0] += 1 }
            if isNew, shown[line] == 1 { shownInOrder.append(line) }
        }
    }

    func hasSeen(_ lines: [String]) -> Bool { lines.allSatisfy { counts[$0] != nil } }

    /// Those of `lines` no agent has seen, to name in a failure.
    func unseen(_ lines: [String]) -> [String] { lines.filter { counts[$0] == nil } }
}
