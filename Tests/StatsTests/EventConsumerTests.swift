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
