import Redis
import SwitchboardTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct RedisSubscriberTests {
    /// Events a subscriber saw, for a test to wait on.
    private static func subscribe(
        _ url: String, _ channels: [String]
    ) throws -> (events: AsyncStream<RedisSubscriptionEvent>, task: Task<Void, Never>) {
        let subscriber = RedisSubscriber(configuration: RedisConfiguration(url: try RedisURL(url)), logger: testLogger)
        let (events, continuation) = AsyncStream.makeStream(of: RedisSubscriptionEvent.self)
        let task = Task {
            await subscriber.run(channels: channels) { continuation.yield($0) }
            continuation.finish()
        }
        return (events, task)
    }

    @Test func messagesPublishedOnTheChannelsArriveInOrder() async throws {
        try await withServerAndClient { server, client in
            let (events, task) = try Self.subscribe(server.url, ["news", "weather"])
            var iterator = events.makeAsyncIterator()
            #expect(await iterator.next() == .subscribed)
            try await client.send("PUBLISH", "other", "not for us")
            for text in ["one", "two"] { try await client.send("PUBLISH", "news", text) }
            try await client.send("PUBLISH", "weather", "rain")
            #expect(await iterator.next() == .message(channel: "news", payload: Array("one".utf8)))
            #expect(await iterator.next() == .message(channel: "news", payload: Array("two".utf8)))
            #expect(await iterator.next() == .message(channel: "weather", payload: Array("rain".utf8)))
            task.cancel()
            #expect(await iterator.next() == nil, "cancelling ends the subscription")
        }
    }

    @Test func aDroppedConnectionSubscribesAgainAndSaysSo() async throws {
        try await withServerAndClient { server, client in
            let (events, task) = try Self.subscribe(server.url, ["news"])
            var iterator = events.makeAsyncIterator()
            #expect(await iterator.next() == .subscribed)
            #expect(try await client.send("CLIENT", "KILL", "TYPE", "pubsub").int == 1)
            #expect(await iterator.next() == .subscribed, "subscribed again after the kill")
            try await client.send("PUBLISH", "news", "after")
            #expect(await iterator.next() == .message(channel: "news", payload: Array("after".utf8)))
            task.cancel()
        }
    }
}
