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
            var batches = (0..<5).map { GeneratedEvents.events(chats: 250, firstChat: $0 * 250) }

            let a = try StatsProcess(workflow: workflow, consumer: "a")
            let b = try StatsProcess(workflow: workflow, consumer: "b")
            var cursorsAtKills: [(applied: Int, written: Int)] = []
            var written = 0
            /// Kills `process` as soon as the applied cursor moves from `mark` (only the cursor is
            /// polled, cheaply), and notes how far it was.
            func killMidStream(_ process: StatsProcess, from mark: String?) async throws {
                try await poll(.seconds(60), "the service to apply some events", every: .milliseconds(1)) {
                    try await redis.send("GET", keys.applied).string != mark
                }
                await process.kill()
                cursorsAtKills.append((try await appliedCount(redis, keys), written))
            }
            /// Whether a kill landed with events still to apply. On a loaded machine the test may
            /// see the cursor move only after the service applied its whole backlog.
            var killedMidStream: Bool { cursorsAtKills.contains { $0.applied > 0 && $0.applied < $0.written } }
            try await withCleanup {
                func write(_ batch: Int) async throws {
                    try await batches[batch].writeBatched(to: redis, stream: keys.events)
                    written += batches[batch].count
                }
                func cursor() async throws -> String? { try await redis.send("GET", keys.applied).string }
                // Started with a backlog and killed as soon as it has applied some: mid-stream.
                try await write(0)
                try await write(1)
                try a.launch()
                try await killMidStream(a, from: nil)
                try await write(2)
                var mark = try await cursor()
                try a.launch()
                try b.launch()  // two instances in the group at once
                try await killMidStream(b, from: mark)
                mark = try await cursor()
                try await write(3)
                try await write(4)
                try await killMidStream(a, from: mark)
                // Until one kill came mid-stream, more rounds (bounded: the report's window holds
                // 2,700 chats): a backlog of two more batches, killed as soon as some is applied.
                while !killedMidStream && batches.count < 9 {
                    mark = try await cursor()
                    for _ in 0..<2 {
                        batches.append(GeneratedEvents.events(chats: 250, firstChat: batches.count * 250))
                        try await write(batches.count - 1)
                    }
                    try a.launch()
                    try await killMidStream(a, from: mark)
                }
                try await a.start()
                try await b.start()  // b re-reads what it was given before the kill
                batches.append(GeneratedEvents.events(chats: 250, firstChat: batches.count * 250))
                try await write(batches.count - 1)
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
            let total = batches.map(\.count).reduce(0, +)
            #expect(try await appliedCount(redis, keys) == total)
            #expect(killedMidStream, "a kill mid-stream: \(cursorsAtKills)")

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
            // Every chat, again after each transfer (1 in 5) and requeue (1 in 5).
            #expect(report.overall.offered == batches.count * (250 + 50 + 50))
        }
    }

    /// How many stream entries are at or before the applied cursor.
    func appliedCount(_ redis: RedisClient, _ keys: StatsKeys) async throws -> Int {
        guard let cursor = try await redis.send("GET", keys.applied).string else { return 0 }
        return try await redis.send("XRANGE", keys.events, "-", cursor).array?.count ?? 0
    }
}
