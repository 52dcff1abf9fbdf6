import Bench
import Logging
import SwitchboardTesting
import Testing

/// A few seconds of `switchboard bench` through every target, so the load generator cannot rot.
/// It checks correctness only (nothing lost, no error, every chat through): never timings.
@Suite struct BenchSmokeTests {
    @Test func aShortRunThroughEveryTargetLosesNothing() async throws {
        var logger = Logger(label: "bench-smoke")
        logger.logLevel = .warning
        let scenario = Scenario(
            visitors: 12, agents: 3, capacity: 4, queues: 2, arrivalRate: 8, messagesPerChat: 3,
            replyDelayMilliseconds: 5, durationSeconds: 2, drainSeconds: 30)
        let settings = BenchSettings(
            scenario: scenario, targets: BenchTarget.allCases,
            switchboardExecutable: "\(RunDirectory.repositoryRoot)/.build/debug/switchboard")
        let report = try await Bench.run(settings, logger: logger)
        #expect(report.phases.map(\.target) == BenchTarget.allCases)
        for phase in report.phases {
            #expect(phase.errors == 0, "\(phase.target.title): \(phase.errorSamples)")
            #expect(phase.lost == 0, "\(phase.target.title)")
            #expect(phase.chatsStarted > 0 && phase.chatsFinished == phase.chatsStarted, "\(phase.target.title)")
            #expect(phase.chatsOffered == phase.chatsStarted, "\(phase.target.title)")
            #expect(phase.messagesRelayed == phase.chatsStarted * scenario.messagesPerChat * 2, "\(phase.target.title)")
        }
        #expect(report.table.contains("sb / floor"))
        #expect(try report.json().contains("\"timeToOffer\""))
    }
}
