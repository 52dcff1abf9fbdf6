@testable import Bench
import Testing

/// The scenario's shape: what it refuses, and how chats and skills spread over queues.
@Suite struct ScenarioTests {
    @Test func nonsenseIsRefused() {
        #expect(Scenario().problem == nil)
        #expect(Scenario(visitors: 0).problem != nil)
        #expect(Scenario(agents: 2, queues: 3).problem != nil)
        #expect(Scenario(arrivalRate: 0).problem != nil)
        #expect(Scenario(messagesPerChat: 0).problem != nil)
        // The web service takes 10 messages per session in 10 s: a longer chat would be refused.
        #expect(Scenario(messagesPerChat: 10, visitorChannel: .web).problem == nil)
        #expect(Scenario(messagesPerChat: 11, visitorChannel: .mixed).problem != nil)
        #expect(Scenario(messagesPerChat: 11).problem == nil)
    }

    @Test func numbersFromOutsideAreBounded() {
        #expect(Scenario(visitors: 100_001).problem != nil)
        #expect(Scenario(agents: 10_001).problem != nil)
        #expect(Scenario(arrivalRate: .infinity).problem != nil)
        #expect(Scenario(arrivalRate: .nan).problem != nil)
        #expect(Scenario(durationSeconds: 86_401).problem != nil)
        #expect(Scenario(openChats: 1_000_001).problem != nil)
        #expect(Scenario(replyDelayMilliseconds: 60_001).problem != nil)
        #expect(Scenario.scale.problem == nil && Scenario.memory.problem == nil)
    }

    /// Open loop: enough visitors for every chat open at once, never more than the run's arrivals.
    @Test func theOpenLoopPoolCoversTheRate() {
        #expect(Scenario.openLoopVisitors(rate: 2000, duration: 10) == 4001)
        #expect(Scenario.openLoopVisitors(rate: 10, duration: 1) == 11)
        #expect(Scenario.scale.visitors == 4001 && Scenario.scale.agents == 500 && Scenario.scale.messagesPerChat == 1)
        #expect(Scenario.memory.openChats == 100_000)
    }

    @Test func mixedVisitorsAreHalfOnTheWeb() {
        #expect((0..<4).map(VisitorChannel.mixed.isWeb(visitor:)) == [false, true, false, true])
        #expect(!VisitorChannel.xmpp.isWeb(visitor: 1) && VisitorChannel.web.isWeb(visitor: 0))
    }

    @Test func everyQueueHasAgentsWithItsSkill() {
        let scenario = Scenario(agents: 5, queues: 3)
        let covered = Set((0..<scenario.agents).flatMap(scenario.skills(ofAgent:)))
        #expect(covered == [0, 1, 2])
        #expect((0..<6).map(scenario.queue(ofChat:)) == [0, 1, 2, 0, 1, 2])
    }
}
