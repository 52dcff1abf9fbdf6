import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import Workflow
import XMPP

/// Many visitors over several queues and agents: every chat goes to an agent with all the
/// queue's skills, and no agent ever holds more chats than `max_chats`.
@Suite struct SkillsAndCapacityTests: LiveRouterSuite {
    /// Ann, Cat and Dan can do billing; Bob and Dan tech (which needs linux too: Cat has tech
    /// without it); Ann, Cat and Dan sales. Capacities differ; together they hold 10 chats.
    static let yaml = """
        queues:
          - name: billing
            skills: [billing]
            strategy: least-busy
            priority: 10
          - name: tech
            skills: [tech, linux]
            strategy: skills-weighted
            priority: 5
          - name: sales
            skills: [sales]
            strategy: round-robin
        agents:
          - jid: ann@localhost
            name: Ann
            skills: { billing: 5, sales: 3 }
            max_chats: 2
          - jid: bob@localhost
            name: Bob
            skills: { tech: 8, linux: 6 }
            max_chats: 3
          - jid: cat@localhost
            name: Cat
            skills: { tech: 4, sales: 7, billing: 2 }
            max_chats: 1
          - jid: dan@localhost
            name: Dan
            skills: { tech: 5, linux: 9, billing: 6, sales: 1 }
            max_chats: 4
        """

    static let agentNames = ["ann", "bob", "cat", "dan"]
    static let queueNames = ["billing", "tech", "sales"]
    static let visitorNames = (1...30).map { String(format: "visitor%02d", $0) }

    @Test(arguments: XMPPServerKind.allCases) func thirtyVisitorsGetSkilledAgentsWithinCapacity(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(Self.agentNames + Self.visitorNames), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let workflow = try Self.parseWorkflow(Self.yaml, domain: live.domain)
            let service = try JID(domain: live.domain)
            var agents: [String: XMPPClient] = [:]
            for name in Self.agentNames { agents[name] = try await live.connect(name) }
            var visitors: [(client: XMPPClient, queue: String)] = []
            for (index, name) in Self.visitorNames.enumerated() {
                visitors.append((try await live.connect(name), Self.queueNames[index % 3]))
            }

            // All 30 ask at once, before any agent is online: 10 chats wait in each queue.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (client, queue) in visitors {
                    let address = try live.address(queue)
                    group.addTask {
                        try await client.send(Message(to: address, body: "I need help with \(queue)"))
                        _ = try await client.message("the welcome", startingWith: "Welcome")
                    }
                }
                try await group.waitForAll()
            }
            for queue in Self.queueNames { #expect(try await live.store.waiting(queue).count == 10) }

            // The agents come online one by one and keep what they are given: each fills up to
            // exactly its capacity, and no further.
            var offers: [String: [JID]] = [:]
            for name in Self.agentNames {
                let agent = try #require(agents[name])
                try await agent.send(Presence(to: service))
                try await agent.send(Message(to: service, body: "/status"))
                let seen = try await agent.messages(until: "\(name)'s status") { $0.body!.hasPrefix("You are available") }
                offers[name] = seen.filter { $0.body!.hasPrefix("New chat") }.compactMap(\.from)
            }
            for agent in workflow.agents {
                let held = try await live.store.agentStatus(agent.jid.description).chats.count
                #expect(held == agent.maxChats, "\(agent.jid) holds \(held) of \(agent.maxChats)")
            }

            // Now each agent answers and closes every chat as it comes, until every visitor is done.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in Self.agentNames {
                    let agent = try #require(agents[name]), first = offers[name] ?? []
                    group.addTask { try await Self.answerAndClose(agent, first: first) }
                }
                try await withThrowingTaskGroup(of: Void.self) { waiting in
                    for (client, _) in visitors {
                        waiting.addTask { _ = try await client.message("the goodbye", startingWith: "This chat has ended") }
                    }
                    try await waiting.waitForAll()
                }
                group.cancelAll()
            }

            let events = try await live.events()
            let queued = events.filter { $0["type"] == "queued" }
            let assigned = events.filter { $0["type"] == "assigned" }
            #expect(queued.count == 30)
            #expect(assigned.count == 30 && Set(assigned.map { $0["chat"] }) == Set(queued.map { $0["chat"] }),
                    "every chat assigned exactly once")
            #expect(!events.contains { ["offered", "requeued", "declined", "offer_timeout", "transferred"].contains($0["type"]) })

            // Skills: the workflow's own model says who may serve what.
            for event in assigned {
                let queue = try #require(workflow.queues.first { $0.name == event["queue"] })
                let agent = try #require(workflow.agents.first { $0.jid.description == event["agent"] })
                #expect(agent.hasSkills(queue.skills), "chat \(event["chat"]!) of \(queue.name) went to \(agent.jid)")
            }
            let askedFor = Dictionary(uniqueKeysWithValues: queued.map { ($0["chat"]!, $0["queue"]!) })
            #expect(assigned.allSatisfy { askedFor[$0["chat"]!] == $0["queue"] }, "chats stay in the queue the visitor chose")

            // Capacity at every instant: replay the stream, one chat more or less per event.
            let capacity = Dictionary(uniqueKeysWithValues: workflow.agents.map { ($0.jid.description, $0.maxChats) })
            let load = Self.replayLoad(events)
            for (agent, peak) in load.peak {
                #expect(peak == capacity[agent], "\(agent) peaked at \(peak) of \(capacity[agent] ?? 0)")
            }
            #expect(load.overCapacity(capacity).isEmpty, "over capacity: \(load.overCapacity(capacity))")
            #expect(load.final.values.allSatisfy { $0 == 0 }, "every chat given back: \(load.final)")
            let closed = events.filter { $0["type"] == "closed" }
            #expect(closed.count == 30 && closed.allSatisfy { $0["by"] == "agent" && $0["abandoned"] == "0" })
        }
    }

    /// Serves an agent until cancelled: each chat given to them gets a greeting, then `/close`.
    static func answerAndClose(_ agent: XMPPClient, first: [JID]) async throws {
        func serve(_ chat: JID) async throws {
            try await agent.send(Message(to: chat, body: "Hello, how can I help?"))
            try await agent.send(Message(to: chat, body: "/close"))
        }
        for chat in first { try await serve(chat) }
        for try await stanza in agent.stanzas {
            if let offer = body(stanza), offer.body!.hasPrefix("New chat"), let chat = offer.from { try await serve(chat) }
        }
    }

    /// Each agent's number of chats after every event: +1 for a chat given or offered to them, −1
    /// for one that left them.
    struct Load {
        var steps: [(agent: String, load: Int)] = []
        var final: [String: Int] = [:]
        var peak: [String: Int] = [:]

        func overCapacity(_ capacity: [String: Int]) -> [(agent: String, load: Int)] {
            steps.filter { $0.load > capacity[$0.agent] ?? 0 || $0.load < 0 }
        }
    }

    static func replayLoad(_ events: [[String: String]]) -> Load {
        var load = Load()
        for event in events {
            guard let agent = event["agent"], !agent.isEmpty else { continue }
            let change = switch event["type"] {
            case "assigned", "offered": 1
            case "closed", "requeued", "declined", "offer_timeout", "transferred": -1
            default: 0
            }
            guard change != 0 else { continue }
            let now = load.final[agent, default: 0] + change
            load.final[agent] = now
            load.peak[agent] = max(load.peak[agent] ?? 0, now)
            load.steps.append((agent, now))
        }
        return load
    }
}
