import Foundation
import Redis
import RoutingTesting
import Routing
import SwitchboardTesting
import Testing
import XMPP

/// The routers, clients and checks of a scale-out scenario (`ScaleOutTests`).
struct ScaleOutRig: Sendable {
    let routers: [RouterProcess]
    let redis: RedisClient
    let inbox: AgentInbox
    let receipts: Receipts
    let visitors: [XMPPClient]
    let queue: JID
    var store: RoutingStore { RoutingStore(redis: redis, prefix: "sb") }
    var keys: RoutingKeys { RoutingKeys(prefix: "sb") }

    /// The routing events of `type` (every event when nil), oldest first.
    func events(of type: String?) async throws -> [[String: String]] {
        try await RoutingTesting.events(redis, keys).filter { type == nil || $0["type"] == type }
    }

    /// How many consecutive lines of a visitor the transcript holds swapped, out of how many pairs.
    struct ReorderRate: Sendable, CustomStringConvertible {
        var swapped = 0
        var pairs = 0
        /// Counts the consecutive pairs of one visitor's line numbers, and those out of order.
        mutating func count(_ numbers: [Int]) {
            pairs += max(0, numbers.count - 1)
            swapped += zip(numbers, numbers.dropFirst()).count { $0 > $1 }
        }
        var description: String {
            "\(swapped)/\(pairs) pairs swapped (\(String(format: "%.1f", pairs == 0 ? 0 : Double(swapped) * 100 / Double(pairs))) %)"
        }
    }

    /// Every visitor sends `lines` lines back to back, each asking for a receipt, none resent, under
    /// ids that count (`visitor1-three-7`) or, with `randomIDs`, UUIDs that carry no order; once all
    /// are confirmed and shown to the agents, counts the consecutive pairs the transcripts hold in
    /// the other order, and those the agents were shown in the other order.
    func reorderRate(round: String, lines: Int, randomIDs: Bool = false) async throws -> (transcript: ReorderRate, agent: ReorderRate) {
        let before = await receipts.count
        let queue = self.queue
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in visitors {
                group.addTask {
                    for number in 1...lines {
                        let text = "\(client.jid.local!)-\(round)-\(number)"
                        var message = Message(to: queue, id: randomIDs ? UUID().uuidString : text, body: text)
                        message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
                        try await client.send(message)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await poll(.seconds(120), "every line of round \(round) to be confirmed", every: .milliseconds(20)) { [receipts] in
            await receipts.count >= before + visitors.count * lines
        }
        let texts = visitors.flatMap { client in (1...lines).map { "\(client.jid.local!)-\(round)-\($0)" } }
        try await poll(.seconds(120), "every line of round \(round) to be shown to an agent", every: .milliseconds(20)) { [inbox] in
            await inbox.hasSeen(texts)
        }
        var rate = (transcript: ReorderRate(), agent: ReorderRate())
        let open = try #require(try await redis.send("SMEMBERS", keys.openChats).array?.compactMap(\.string))
        let shown = await inbox.shownInOrder
        for chat in open {
            let fields = try #require(try await store.chat(chat))
            let mark = String(fields["visitor"]?.prefix { $0 != "@" } ?? "") + "-\(round)-"
            let numbers = { (texts: [String]) in texts.filter { $0.hasPrefix(mark) }.compactMap { Int($0.dropFirst(mark.count)) } }
            let stored = numbers(try await store.transcript(chat).map(\.text))
            #expect(Set(stored).count == lines && stored.count == lines, "chat \(chat): each line of round \(round) once")
            rate.transcript.count(stored)
            rate.agent.count(numbers(shown))
        }
        return rate
    }

    /// Where lines (`visitorN-…`) stand in Redis: their chat's state, agent and counts, and their
    /// place among its visitor lines, to say in a failure why an agent has not seen them.
    func whereLinesStand(_ lines: some Sequence<String>) async throws -> String {
        let open = try await redis.send("SMEMBERS", keys.openChats).array?.compactMap(\.string) ?? []
        var chats: [String: (id: String, fields: [String: String])] = [:]
        for chat in open {
            guard let fields = try await store.chat(chat), let visitor = fields["visitor"] else { continue }
            chats[String(visitor.prefix { $0 != "@" })] = (chat, fields)
        }
        var story: [String] = []
        for line in lines {
            let visitor = String(line.prefix { $0 != "-" })
            guard let (chat, fields) = chats[visitor] else { story.append("\(line): no open chat"); continue }
            let said = try await store.transcript(chat).filter { $0.kind == .visitor }.map(\.text)
            let counts = ["state", "agent", "said", "forwarded", "claimed", "claim_until", "announced"].map { "\($0)=\(fields[$0] ?? "-")" }
            story.append("\(line): chat \(chat) \(counts.joined(separator: " ")), line \((said.firstIndex(of: line) ?? -2) + 1) of \(said.count)")
        }
        return story.joined(separator: "; ")
    }

    /// Every visitor has one open chat, assigned once and active with one agent, its transcript
    /// holding each of `expected`'s lines once, each of which reached an agent once.
    /// An agent is shown each line once; a line (or history) the XMPP server took from a router
    /// killed before it knew is sent again under the same id (`RelayedLineID`), which the agent's
    /// client drops: such copies are counted and printed, not failed.
    func checkChats(_ expected: [String: [String]]) async throws {
        let open = try #require(try await redis.send("SMEMBERS", keys.openChats).array?.compactMap(\.string))
        #expect(open.count == visitors.count, "one chat per visitor: \(open.count)")
        var holders: [String: String] = [:]
        for agent in ScaleOutTests.agents {
            let jid = "\(agent)@localhost"
            let chats = try #require(try await redis.send("SMEMBERS", keys.agentChats(jid)).array?.compactMap(\.string))
            let load = try await redis.send("HGET", keys.agent(jid), "load").int ?? 0
            #expect(load == chats.count && load <= ScaleOutTests.capacity, "\(agent): load \(load), chats \(chats.count)")
            for chat in chats {
                #expect(holders[chat] == nil, "chat \(chat) with \(holders[chat] ?? "") and \(jid)")
                holders[chat] = jid
            }
        }
        let assigned = Dictionary(grouping: try await events(of: "assigned").compactMap { $0["chat"] }) { $0 }
        let counts = await inbox.counts, shown = await inbox.shown
        var copies = 0
        for chat in open {
            let fields = try #require(try await store.chat(chat))
            #expect(fields["state"] == "active" && holders[chat] == fields["agent"], "chat \(chat): \(fields)")
            #expect(assigned[chat]?.count == 1, "chat \(chat) assigned once, not \(assigned[chat]?.count ?? 0) times")
            let visitor = String(fields["visitor"]?.prefix { $0 != "@" } ?? "")
            let texts = try await store.transcript(chat).map(\.text)
            let lines = expected[visitor] ?? []
            #expect(lines.allSatisfy { id in texts.count { $0 == id } == 1 }, "chat \(chat) of \(visitor): each line once: \(texts)")
            let doubled = lines.filter { (shown[$0] ?? 0) > 1 }
            copies += lines.count { (counts[$0] ?? 0) > 1 }
            let story = try await events(of: nil).filter { $0["chat"] == chat }.map { "\($0["type"] ?? "?")(\($0["agent"] ?? ""))" }
            // A history the killed router sent just before it died is told again by a sweep, under
            // the same id (`RelayedLineID.history`): shown once.
            #expect(doubled.isEmpty, "chat \(chat): lines shown to an agent twice: \(doubled); its events: \(story)")
            let missing = lines.filter { counts[$0] == nil }
            #expect(missing.isEmpty, "every confirmed line reaches an agent: \(missing)")
        }
        print("ScaleOut: lines an agent got twice under one id (shown once): \(copies)")
        try await CrashSafetyTests.checkEvents(redis: redis, keys: keys)
    }
}
