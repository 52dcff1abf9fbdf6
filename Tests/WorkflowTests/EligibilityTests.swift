import Testing
import Workflow
import XMPP

/// What the router asks of a workflow: which agents can serve a queue, and what overflow changes.
@Suite struct EligibilityTests {
    static let yaml = """
        xmpp: { secret: s }
        agents:
          - jid: ann@localhost
            skills: { support: 7, english: 6 }
          - jid: ben@localhost
            skills: { support: 9 }
          - jid: cat@localhost
            skills: { english: 9, sales: 3 }
            role: supervisor
        queues:
          - name: support
            skills: [support, english]
            overflow:
              - after: 2m
                drop_skill: english
              - after: 5m
                move_to: general
          - name: general
            default: true
          - name: sales
            skills: [sales]
        """

    @Test func agentsWithEveryRequiredSkillAndTheirLevels() throws {
        let loaded = try workflow(Self.yaml)
        let support = try #require(loaded.queue(named: "support"))
        let eligible = loaded.eligibleAgents(for: support)
        #expect(eligible.map(\.agent.name) == ["ann"])
        #expect(eligible.first?.levels == ["support": 7, "english": 6])
        #expect(eligible.first?.totalLevel == 13)
        #expect(loaded.eligibleAgents(for: try #require(loaded.queue(named: "general"))).count == 3)
        #expect(loaded.eligibleAgents(for: try #require(loaded.queue(named: "sales"))).map(\.agent.name) == ["cat"])
    }

    @Test func overflowDropsSkillsAndMovesTheChat() throws {
        let support = try #require(try workflow(Self.yaml).queue(named: "support"))
        #expect(support.overflowStepsDue(afterWaiting: .seconds(119)) == 0)
        #expect(support.overflowStepsDue(afterWaiting: .seconds(120)) == 1)
        #expect(support.overflowStepsDue(afterWaiting: .seconds(3600)) == 2)
        #expect(support.requiredSkills(afterOverflowSteps: 0) == ["support", "english"])
        #expect(support.requiredSkills(afterOverflowSteps: 1) == ["support"])
        #expect(support.requiredSkills(afterOverflowSteps: 9) == ["support"])
        #expect(support.moveTarget(afterOverflowSteps: 1) == nil)
        #expect(support.moveTarget(afterOverflowSteps: 2) == "general")
        let loaded = try workflow(Self.yaml)
        #expect(loaded.eligibleAgents(for: support, afterOverflowSteps: 1).map(\.agent.name) == ["ann", "ben"])
    }

    @Test func lookups() throws {
        let loaded = try workflow(Self.yaml)
        #expect(loaded.defaultQueue?.name == "general")
        #expect(loaded.queue(addressedTo: nil)?.name == "general")
        #expect(loaded.queue(addressedTo: "Sales")?.name == "sales")
        #expect(loaded.queue(addressedTo: "nope") == nil)
        #expect(loaded.agent(try JID("Ann@LocalHost/phone"))?.name == "ann")
        #expect(loaded.agent(try JID("dan@localhost")) == nil)
        #expect(loaded.agents[2].role == .supervisor)
        #expect(loaded.agents[0].maxChats == Agent.defaultMaxChats)
    }

    @Test func theFirstQueueIsTheDefaultUnlessOneSaysSo() throws {
        let loaded = try workflow(queues: """
              - name: first
              - name: second
            """)
        #expect(loaded.defaultQueue?.name == "first")
        #expect(loaded.queues.allSatisfy { !$0.isDefault })
    }

    @Test func defaultsOfEverySetting() throws {
        let loaded = try workflow(queues: """
              - name: sales
                accept: manual
            """)
        #expect(loaded.xmpp.host == "127.0.0.1")
        #expect(loaded.xmpp.port == 5347)
        #expect(loaded.xmpp.domain == "support.localhost")
        #expect(loaded.redis == RedisSettings(url: "redis://127.0.0.1:6379", prefix: "sb"))
        #expect(loaded.http == nil, "no http section, no web service")
        #expect(loaded.limits == Limits())
        #expect(loaded.limits.bodyBytes == 4096)
        #expect(loaded.limits.offlineGrace == .seconds(60))
        let queue = loaded.queues[0]
        #expect(queue.strategy == .longestIdle)
        #expect(queue.accept == .manual(offerTimeout: .seconds(30)))
        #expect(queue.priority == 0)
        #expect(queue.sla == .seconds(60))
        #expect(queue.whenNoAgents == .queue)
        #expect(queue.title == "sales")
    }

    @Test func mergeKeysShareSettingsAndTheQueueWins() throws {
        let loaded = try workflow("""
            xmpp: { secret: s }
            x-common: &common
              strategy: least-busy
              sla: 2m
            agents:
              - jid: alice@localhost
            queues:
              - name: a
                <<: *common
                sla: 30s
              - name: b
                <<: *common
            """)
        #expect(loaded.queues.map(\.strategy) == [.leastBusy, .leastBusy])
        #expect(loaded.queues.map(\.sla) == [.seconds(30), .seconds(120)])
    }
}
