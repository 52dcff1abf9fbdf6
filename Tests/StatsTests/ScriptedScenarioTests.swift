import Redis
@testable import Stats
import Testing

/// The README's definitions on a scripted scenario with fixed timestamps: events written to the
/// stream directly, applied by the real script in a real Redis, figures checked exactly.
@Suite struct ScriptedScenarioTests {
    static let keys = StatsKeys(prefix: "sb")

    /// Writes the scenario, applies it all and reads the report for its three minutes.
    static func report(queue: String? = nil) async throws -> StatsReport {
        try await withStatsRedis { _, redis in
            try await ScriptedScenario.events.write(to: redis, stream: keys.events)
            let applier = EventApplier(redis: redis, keys: keys, settings: StatsSettings(slas: ScriptedScenario.slas), batch: 7)
            try await applier.ensureGroup()
            #expect(try await applier.applyAll() == ScriptedScenario.events.count)
            let window = try StatsWindow(sinceMilliseconds: ScriptedScenario.start, untilMilliseconds: ScriptedScenario.start + 180_000)
            let report = try await StatsReader(redis: redis, keys: keys).report(window, queue: queue)
            // Applying again finds nothing new: nothing is counted twice.
            #expect(try await applier.applyAll() == 0)
            #expect(try await StatsReader(redis: redis, keys: keys).report(window, queue: queue) == report)
            return report
        }
    }

    @Test func countsAndSLA() async throws {
        let overall = try await Self.report().overall
        // offered: 7 chats entered sales (chat 5 twice: requeued), 4 entered support (two by transfer).
        #expect(overall.offered == 11)
        #expect(overall.answered == 8)
        #expect(overall.abandoned == 3)
        #expect(overall.missedOffers == 1)
        #expect(overall.transferred == 2)
        // 7 answered within their queue's SLA (chat 6 waited 35 s in sales) over 8 answered + chat 4 abandoned late.
        #expect(overall.slaPercent == 700.0 / 9)
    }

    @Test func timingsOverall() async throws {
        let overall = try await Self.report().overall
        // Waits: 1000 1000 1000 1200 1500 2000 11000 35000 ms.
        #expect(overall.wait == TimingSummary(count: 8, mean: 6.7125, p50: 1.2, p90: 35, p99: 35, max: 35))
        // First responses: 400 500 600 700 800.
        #expect(overall.firstResponse == TimingSummary(count: 5, mean: 0.6, p50: 0.6, p90: 0.8, p99: 0.8, max: 0.8))
        // Responses, one per answered run of visitor messages: 200 600 700 900 1500 2300.
        #expect(overall.response == TimingSummary(count: 6, mean: mean(6_200, 6), p50: 0.7, p90: 2.3, p99: 2.3, max: 2.3))
        // Handles: 1000 1800 8500 (chats 6 and 7 are still open, 3, 4 and 8 never accepted).
        #expect(overall.handle == TimingSummary(count: 3, mean: mean(11_300, 3), p50: 1.8, p90: 8.5, p99: 8.5, max: 8.5))
    }

    @Test func perQueue() async throws {
        let report = try await Self.report()
        let sales = try #require(report.queues["sales"])
        #expect([sales.offered, sales.answered, sales.abandoned, sales.missedOffers, sales.transferred] == [7, 6, 2, 1, 1])
        #expect(sales.slaPercent == 500.0 / 7)
        #expect(sales.wait.count == 6 && sales.wait.p50 == 1.5 && sales.wait.max == 35)
        let support = try #require(report.queues["support"])
        #expect([support.offered, support.answered, support.abandoned, support.missedOffers, support.transferred] == [4, 2, 1, 0, 1])
        #expect(support.slaPercent == 100)
        #expect(support.wait == TimingSummary(count: 2, mean: 1.1, p50: 1.0, p90: 1.2, p99: 1.2, max: 1.2))
        #expect(support.handle == TimingSummary(count: 1, mean: 1.8, p50: 1.8, p90: 1.8, p99: 1.8, max: 1.8))
    }

    @Test func ratingsCountTheLastOnePerChat() async throws {
        let report = try await Self.report()
        // Chat 1 rated 4, then 5 (the 4 taken back); chat 2 rated 2; chat 5 rated 3: scores 5, 2, 3.
        #expect(report.overall.csat.count == 3 && report.overall.csat.mean == 10.0 / 3)
        #expect(report.overall.csat.distribution == ["1": 0, "2": 1, "3": 1, "4": 0, "5": 1])
        let sales = try #require(report.queues["sales"]?.csat)
        #expect(sales.count == 2 && sales.mean == 4 && sales.distribution["4"] == 0)
        #expect(report.queues["support"]?.csat.mean == 2)
        #expect(report.agents["dave"]?.csat.mean == 5 && report.agents["bob"]?.csat.mean == 3 && report.agents["carol"]?.csat.count == 1)
        #expect(report.agents["alice"]?.csat.count == 0 && report.agents["alice"]?.csat.mean == nil)
    }

    @Test func perAgent() async throws {
        let agents = try await Self.report().agents
        #expect(Set(agents.keys) == ["alice", "bob", "carol", "dave"])
        let alice = try #require(agents["alice"])
        #expect(alice.answered == 3 && alice.missedOffers == 1 && alice.transferred == 0)
        // Waits 1000 11000 35000: the median above 2.048 s is the top of its HdrHistogram bucket
        // (11000 ms shares 11,000-11,007 at 3 significant digits): 11.007, as the README states.
        #expect(alice.wait == TimingSummary(count: 3, mean: mean(47_000, 3), p50: 11.007, p90: 35, p99: 35, max: 35))
        let bob = try #require(agents["bob"])
        #expect(bob.answered == 2 && bob.transferred == 1)
        #expect(bob.response == TimingSummary(count: 2, mean: 0.55, p50: 0.2, p90: 0.9, p99: 0.9, max: 0.9))
        #expect(bob.handle.count == 1 && bob.handle.max == 1)
        let dave = try #require(agents["dave"])
        #expect(dave.answered == 1 && dave.response.count == 2 && dave.handle.max == 8.5)
        #expect(dave.firstResponse.max == 0.8)
        let carol = try #require(agents["carol"])
        #expect(carol.answered == 2 && carol.transferred == 1 && carol.firstResponse.count == 1)
    }

    @Test func limitedToOneQueue() async throws {
        let report = try await Self.report(queue: "support")
        #expect(report.queue == "support")
        #expect(report.overall == report.queues["support"])
        #expect(Set(report.queues.keys) == ["support"])
        #expect(Set(report.agents.keys) == ["carol"])
    }

    @Test func perMinuteSeries() async throws {
        let report = try await Self.report()
        #expect(report.since == ScriptedScenario.start / 1000 && report.until == ScriptedScenario.start / 1000 + 180)
        #expect(report.series.map(\.start) == [0, 60, 120].map { ScriptedScenario.start / 1000 + $0 })
        #expect(report.series.map(\.offered) == [5, 4, 2])
        #expect(report.series.map(\.answered) == [3, 4, 1])
        #expect(report.series.map(\.abandoned) == [1, 1, 1])
        #expect(report.series[0].wait == MinutePoint.Point(count: 3, mean: mean(4_700, 3), p90: 2.0))
        #expect(report.series.map(\.response.count) == [4, 2, 0])
    }

    /// A mean in seconds as the report computes it: the exact sum of milliseconds over the count.
    func mean(_ sum: Int64, _ count: Int) -> Double { Double(sum) / Double(count) / 1000 }

    @Test func windowRoundsToWholeMinutes() throws {
        let window = try StatsWindow(sinceMilliseconds: 90_500, untilMilliseconds: 120_001)
        #expect(window.minutes == 1..<3)
        #expect(throws: StatsError.self) { try StatsWindow(sinceMilliseconds: 5, untilMilliseconds: 5) }
    }
}
