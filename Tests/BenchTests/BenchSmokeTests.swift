import Bench
import Logging
import SwitchboardTesting
import Testing

/// A few seconds of `switchboard bench` through every target, so the load generator cannot rot.
/// It checks correctness only (nothing lost, no error, every chat through): never timings.
@Suite struct BenchSmokeTests {
    static let scenario = Scenario(
        visitors: 12, agents: 3, capacity: 4, queues: 2, arrivalRate: 8, messagesPerChat: 3,
        replyDelayMilliseconds: 5, durationSeconds: 2, drainSeconds: 30)

    static func run(_ scenario: Scenario, through targets: [BenchTarget]) async throws -> BenchReport {
        var logger = Logger(label: "bench-smoke")
        logger.logLevel = .warning
        let settings = BenchSettings(
            scenario: scenario, targets: targets, switchboardExecutable: try SwitchboardBinary.path(), runDirectory: .tests)
        let report = try await Bench.run(settings, logger: logger)
        #expect(report.phases.map(\.target) == targets)
        for phase in report.phases {
            #expect(phase.errors == 0, "\(phase.target.title): \(phase.errorSamples)")
            #expect(phase.lost == 0, "\(phase.target.title)")
            #expect(phase.chatsStarted > 0 && phase.chatsFinished == phase.chatsStarted, "\(phase.target.title)")
            #expect(phase.chatsOffered == phase.chatsStarted, "\(phase.target.title)")
            #expect(phase.messagesRelayed == phase.chatsStarted * scenario.messagesPerChat * 2, "\(phase.target.title)")
        }
        return report
    }

    @Test func aShortRunThroughEveryTargetLosesNothing() async throws {
        let report = try await Self.run(Self.scenario, through: BenchTarget.allCases)
        #expect(report.table.contains("sb / floor"))
        #expect(try report.json().contains("\"timeToOffer\""))
        // The component link's stanzas are counted (counts, not times): every bench line went to the
        // relay and came back from it, but the router's first line of a chat, which its offer quotes.
        for target in [BenchTarget.switchboard, .floorComponent] {
            let phase = try #require(report.phase(target))
            let link = try #require(phase.link, "\(target.title)")
            #expect(link.toRelay[LinkFigures.Kind.line] == phase.messagesRelayed, "\(target.title): \(link)")
            let quoted = target == .switchboard ? phase.chatsOffered : 0
            #expect(link.fromRelay[LinkFigures.Kind.line] == phase.messagesRelayed - quoted, "\(target.title): \(link)")
        }
        #expect(report.phase(.direct)?.link == nil)
        #expect(report.table.contains("component link, per relayed message"))
    }

    /// Web visitors (and half and half) over the widget's WebSocket, through the router's web service.
    @Test(arguments: [VisitorChannel.web, .mixed])
    func webVisitorsLoseNothing(_ channel: VisitorChannel) async throws {
        var scenario = Self.scenario
        scenario.visitorChannel = channel
        let report = try await Self.run(scenario, through: [.switchboard])
        #expect(report.table.contains("No floor ratios"))
        #expect(!report.table.contains("sb / floor"))
    }

    /// The scale scenario's shape, small: open loop (a pool sized for the rate, none skipped), chats
    /// of one message and a close, many agents of small capacity.
    @Test func openLoopOneMessageChatsLoseNothingAndSkipNone() async throws {
        let scenario = Scenario(
            visitors: Scenario.openLoopVisitors(rate: 20, duration: 2), agents: 20, capacity: 2, queues: 2, arrivalRate: 20,
            messagesPerChat: 1, durationSeconds: 2, drainSeconds: 30, openLoop: true)
        #expect(scenario.visitors == 41)
        let report = try await Self.run(scenario, through: [.switchboard])
        let phase = try #require(report.phase(.switchboard))
        #expect(phase.arrivalsSkipped == 0)
        #expect(phase.chatsStarted == 40, "every arrival of 20/s for 2 s got a visitor")
        #expect(report.table.contains("open loop"))
    }

    /// The memory scenario's shape, small: chats open before the router starts, then traffic whose
    /// chats stay closed in Redis; both are counted and measured (the sizes only, never judged).
    @Test func openChatsAndClosedChatsAreMeasuredInRedis() async throws {
        var scenario = Self.scenario
        scenario.openChats = 300
        let report = try await Self.run(scenario, through: [.switchboard])
        let phase = try #require(report.phase(.switchboard))
        let memory = try #require(phase.chatMemory)
        #expect(memory.openChats == 300)
        #expect(memory.usedBytesPerOpenChat != nil && (memory.keyBytesPerOpenChat ?? 0) > 0)
        #expect(memory.closedChats == phase.chatsStarted)
        #expect(memory.closedChatsSettled)
        #expect(memory.usedBytesPerClosedChat != nil && (memory.keyBytesPerClosedChat ?? 0) > 0)
        #expect(report.table.contains("per closed chat, its keys (MEMORY USAGE)"))
    }

    @Test func webVisitorsHaveNoFloor() async throws {
        var scenario = Self.scenario
        scenario.visitorChannel = .web
        let settings = BenchSettings(
            scenario: scenario, targets: BenchTarget.allCases, switchboardExecutable: "/nonexistent", runDirectory: .tests)
        await #expect(throws: BenchError.self) { try await Bench.run(settings, logger: Logger(label: "bench-smoke")) }
    }
}
