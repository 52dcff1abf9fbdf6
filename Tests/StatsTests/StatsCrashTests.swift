import Foundation
import Redis
@testable import Stats
import SwitchboardTesting
import Testing

/// The stats service killed with SIGKILL mid-stream, restarted, and run twice at once: the figures
/// equal those of one uninterrupted run over the same events.
@Suite(.serialized) struct StatsCrashTests {
    static let slas: [String: Duration] = ["sales": .seconds(30), "support": .seconds(60)]

    @Test func killedAndRestartedServiceCountsEveryEventOnce() async throws {
        try await withStatsRedis { server, redis in
            let workflow = try writeStatsWorkflow(redisURL: server.url)
            let keys = StatsKeys(prefix: "sb")
            let reference = StatsKeys(prefix: "ref")
            let batches = (0..<6).map { GeneratedEvents.events(chats: 250, firstChat: $0 * 250) }
            let total = batches.map(\.count).reduce(0, +)

            let a = try StatsProcess(workflow: workflow, consumer: "a")
            let b = try StatsProcess(workflow: workflow, consumer: "b")
            var cursorsAtKills: [(applied: Int, written: Int)] = []
            /// Kills `process` as soon as the applied cursor moves from `mark` (only the cursor is
            /// polled, cheaply), and notes how far it was.
            func killMidStream(_ process: StatsProcess, from mark: String?, written: Int) async throws {
                try await poll(.seconds(60), "the service to apply some events", every: .milliseconds(1)) {
                    try await redis.send("GET", keys.applied).string != mark
                }
                await process.kill()
                cursorsAtKills.append((try await appliedCount(redis, keys), written))
            }
            try await withCleanup {
                var written = 0
                func write(_ batch: Int) async throws {
                    try await batches[batch].writeBatched(to: redis, stream: keys.events)
                    written += batches[batch].count
                }
                func cursor() async throws -> String? { try await redis.send("GET", keys.applied).string }
                // Started with a backlog and killed as soon as it has applied some: mid-stream.
                try await write(0)
                try await write(1)
                try a.launch()
                try await killMidStream(a, from: nil, written: written)
                try await write(2)
                var mark = try await cursor()
                try a.launch()
                try b.launch()  // two instances in the group at once
                try await killMidStream(b, from: mark, written: written)
                mark = try await cursor()
                try await write(3)
                try await write(4)
                try await killMidStream(a, from: mark, written: written)
                try await a.start()
                try await b.start()  // b re-reads what it was given before the kill
                try await write(5)
                let last = try #require(try await redis.send("XREVRANGE", keys.events, "+", "-", "COUNT", "1").array?.first?.array?.first?.string)
                try await poll(.seconds(120), "every event applied and acknowledged", every: .milliseconds(20)) {
                    let cursor = try await redis.send("GET", keys.applied).string
                    let pending = try await redis.send("XPENDING", keys.events, "stats").array?.first?.int
                    return cursor == last && pending == 0
                }
            } cleanup: {
                await a.stop()
                await b.stop()
            }
            #expect(try await appliedCount(redis, keys) == total)
            #expect(cursorsAtKills.contains { $0.applied > 0 && $0.applied < $0.written }, "a kill mid-stream: \(cursorsAtKills)")

            // The same events, applied in one go without interruption.
            for batch in batches { try await batch.writeBatched(to: redis, stream: reference.events) }
            let applier = EventApplier(redis: redis, keys: reference, settings: StatsSettings(slas: Self.slas))
            try await applier.ensureGroup()
            #expect(try await applier.applyAll() == total)

            let killed = try await redis.statsDump(keys)
            let uninterrupted = try await redis.statsDump(reference)
            #expect(killed.count == uninterrupted.count && killed.count > 10)
            #expect(killed == uninterrupted)
            let window = try StatsWindow(sinceMilliseconds: ScriptedScenario.start, untilMilliseconds: ScriptedScenario.start + 3 * 3_600_000)
            let report = try await StatsReader(redis: redis, keys: keys).report(window)
            #expect(report == (try await StatsReader(redis: redis, keys: reference).report(window)))
            #expect(report.overall.offered == 1_500 + 300 + 300)  // every chat, again after each transfer and requeue
        }
    }

    /// How many stream entries are at or before the applied cursor.
    func appliedCount(_ redis: RedisClient, _ keys: StatsKeys) async throws -> Int {
        guard let cursor = try await redis.send("GET", keys.applied).string else { return 0 }
        return try await redis.send("XRANGE", keys.events, "-", cursor).array?.count ?? 0
    }
}
