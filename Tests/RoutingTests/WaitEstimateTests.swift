import Routing
import Testing

/// The wait estimate's formula (README, "Estimated waits"), with every expected value worked out
/// by hand from the figures given.
@Suite struct WaitEstimateTests {
    static func answers(_ waits: [Int], agents: [String]) -> [WaitEstimate.Answer] {
        waits.enumerated().map { WaitEstimate.Answer(wait: .seconds($0.element), agent: agents[$0.offset % agents.count]) }
    }

    @Test func theAnswerRateScaledByTheAgentsServingNow() {
        // 6 answers in 30 min by 2 agents: each answered 6 / (1800 s × 2) = 1/600 per second.
        // 3 agents able now answer 3/600 = 1/200 per second: place 4 waits 4 × 200 s = 800 s.
        let estimate = WaitEstimate(answers: Self.answers([10, 20, 30, 40, 50, 60], agents: ["a", "b"]), agentsAble: 3)
        #expect(estimate.eta(position: 4) == .seconds(800))
        // Place 1: 200 s; one agent able instead: 1 × 1800 × 2 / (6 × 1) = 600 s.
        #expect(estimate.eta(position: 1) == .seconds(200))
        #expect(WaitEstimate(answers: estimate.answers, agentsAble: 1).eta(position: 1) == .seconds(600))
    }

    @Test func fewAnswersFallBackToTheMedianWaitTimesThePlace() {
        // Two answers (fewer than 3): the median of 40 s and 100 s is 70 s; place 3 waits 210 s.
        let two = WaitEstimate(answers: Self.answers([40, 100], agents: ["a"]), agentsAble: 2)
        #expect(two.eta(position: 3) == .seconds(210))
        // Enough answers but nobody able to serve now: the median of 30, 90, 45 is 45 s; place 2: 90 s.
        let nobody = WaitEstimate(answers: Self.answers([30, 90, 45], agents: ["a"]), agentsAble: 0)
        #expect(nobody.eta(position: 2) == .seconds(90))
    }

    @Test func noHistoryGivesNoEstimate() {
        #expect(WaitEstimate(answers: [], agentsAble: 5).eta(position: 1) == nil)
    }

    @Test func estimatesAreBoundedAndPlacesBelowOneCountAsNext() {
        // 3 answers of one agent, 1 able: 1800 × 1 / 3 = 600 s a place; place 1000 would be 600,000 s.
        let estimate = WaitEstimate(answers: Self.answers([5, 5, 5], agents: ["a"]), agentsAble: 1)
        #expect(estimate.eta(position: 1000) == WaitEstimate.longest)
        #expect(estimate.eta(position: 0) == .seconds(600))
        #expect(estimate.eta(position: -3) == .seconds(600))
    }
}
