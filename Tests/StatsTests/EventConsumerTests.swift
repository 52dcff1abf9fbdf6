import Redis
@testable import Stats
import SwitchboardTesting
import Testing

/// The consumer in-process: it follows the stream through what can happen to it.
@Suite struct EventConsumerTests {
    @Test func followsTheStreamAfterItWasDeletedAndMadeAgain() async throws {
        try await withStatsRedis { _, redis in
            let keys = StatsKeys(prefix: "sb")
            let reading = RedisClient(configuration: redis.configuration, logger: quietLogger)
            let consumer = EventConsumer(
                applier: EventApplier(redis: redis, keys: keys, settings: StatsSettings()), redis: reading, consumer: "test",
                logger: quietLogger, block: .milliseconds(100))
            let running = Task { try await consumer.run() }
            try await withCleanup {
                let first = ScriptedEvent(type: "queued", chat: "1", queue: "sales", ts: ScriptedScenario.start)
                try await waitUntilApplied(redis, keys, last: try await [first].writeBatched(to: redis, stream: keys.events))
                try await redis.send("DEL", keys.events)  // the group goes with it
                let second = ScriptedEvent(type: "queued", chat: "2", queue: "sales", ts: ScriptedScenario.start + 1_000)
                try await waitUntilApplied(redis, keys, last: try await [second].writeBatched(to: redis, stream: keys.events))
                #expect(try await redis.hash(keys.totals)["offered|sales"] == "2")
            } cleanup: {
                running.cancel()
                _ = await running.result
                await reading.close()
            }
        }
    }
}

/// Two consumers in the group, given entries in an order that would break a chat's story if each
/// applied only its own: entries are applied in stream order all the same, once.
@Suite struct SharedGroupTests {
    @Test func entriesDeliveredToAnotherAreAppliedInStreamOrderOnce() async throws {
        try await withStatsRedis { _, redis in
            let keys = StatsKeys(prefix: "sb"), reference = StatsKeys(prefix: "ref")
            try await ScriptedScenario.events.writeBatched(to: redis, stream: keys.events)
            try await ScriptedScenario.events.writeBatched(to: redis, stream: reference.events)
            let settings = StatsSettings(slas: ScriptedScenario.slas)
            let applier = EventApplier(redis: redis, keys: keys, settings: settings, batch: 5)
            try await applier.ensureGroup()
            // First delivers the first 20 entries, second the rest: each chat's events are split between them.
            func read(_ consumer: String, _ count: Int) async throws -> [String] {
                let reply = try await redis.send(
                    "XREADGROUP", "GROUP", applier.group, consumer, "COUNT", String(count), "STREAMS", keys.events, ">")
                return reply.array?.first?.array?.last?.array?.compactMap { $0.array?.first?.string } ?? []
            }
            let first = try await read("first", 20)
            let second = try await read("second", 1_000)
            #expect(first.count == 20 && second.count == ScriptedScenario.events.count - 20)
            // The second applies first: everything up to its last entry, the first's included, in order.
            var applied = 0
            while true {
                let step = try await applier.apply(delivered: second)
                applied += step.count
                if !step.more { break }
            }
            #expect(applied == ScriptedScenario.events.count)
            // The first finds its entries applied: it only acknowledges them.
            #expect(try await applier.apply(delivered: first).count == 0)
            #expect(try await redis.send("XPENDING", keys.events, applier.group).array?.first?.int == 0)

            let uninterrupted = EventApplier(redis: redis, keys: reference, settings: settings)
            try await uninterrupted.ensureGroup()
            _ = try await uninterrupted.applyAll()
            #expect(try await redis.statsDump(keys) == (try await redis.statsDump(reference)))
        }
    }
}
