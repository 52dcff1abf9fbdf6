import Benchmark
import Foundation
import Logging
import NIOCore
import Redis
import Routing
import SwitchboardTesting
import XMPP

// The router's hot paths: reading the XML stream, writing stanzas, and a routing decision on a
// real Redis. Run with `cd Benchmarks && swift package benchmark`.

/// A chat message as the router receives it from Prosody, about 250 bytes.
private let stanza = """
    <message xmlns='jabber:component:accept' from='visitor17@localhost/web-4f2a' to='sales@support.localhost' \
    type='chat' id='a81c7d2e-0b1f'><body>Hello, I ordered a blue jacket last week and it has not arrived yet.</body>\
    <active xmlns='http://jabber.org/protocol/chatstates'/></message>
    """

private let stanzasPerBuffer = 1000
private let streamHeader = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='1' from='support.localhost'>"
private let streamBody = Array(String(repeating: stanza, count: stanzasPerBuffer).utf8)

/// Megabytes per second of XML parsed, reported next to the standard metrics.
private let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

private final class RedisFixture: @unchecked Sendable {
    var server: RedisServer?
    var client: RedisClient?
    var store: RoutingStore?
    var counter = 0
}

private let redis = RedisFixture()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(5))

    // Parsing: 1,000 stanzas per iteration, metrics per stanza; the parser is reused as on a link.
    Benchmark(
        "XML stream parsing (per stanza)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal, megabytesPerSecond], scalingFactor: .kilo)
    ) { benchmark in
        let parser = XMLStreamParser()
        var events: [XMLStreamEvent] = []
        events.reserveCapacity(stanzasPerBuffer + 1)
        try Array(streamHeader.utf8).withUnsafeBytes { try parser.feed($0, into: &events) }
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        try streamBody.withUnsafeBytes { bytes in
            events.removeAll(keepingCapacity: true)
            try parser.feed(bytes, into: &events)
        }
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        precondition(events.count == stanzasPerBuffer, "parsed \(events.count) stanzas")
        blackHole(events)
        benchmark.measurement(megabytesPerSecond, Int(Double(streamBody.count) / 1_048_576 / elapsed.seconds))
    }

    // Serialising: the message the router sends an agent, into the channel's buffer.
    Benchmark("Stanza serialisation", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var message = Message(
            to: try! JID("agent3@localhost"), from: try! JID("chat-1234@support.localhost"), type: .chat,
            body: "Hello, I ordered a blue jacket last week and it has not arrived yet.")
        message.chatState = .active
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            message.element.write(to: &buffer)
            blackHole(buffer.readableBytes)
        }
    }

    // A routing decision: a visitor's first message (enqueue) and the routing pass that gives the
    // chat to an agent, two Lua scripts on a real Redis, one round trip each.
    Benchmark(
        "Routing decision (enqueue + route on Redis)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            setup: {
                let server = try await RedisServer.start()
                var logger = Logger(label: "benchmark")
                logger.logLevel = .warning
                let client = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: logger)
                let store = RoutingStore(redis: client, prefix: "sb")
                for agent in 0..<20 { try await store.setPresence(agent: "agent\(agent)@localhost", .available, grace: .seconds(60)) }
                (redis.server, redis.client, redis.store) = (server, client, store)
            },
            teardown: {
                await redis.client?.close()
                await redis.server?.stop()
            })
    ) { benchmark in
        guard let store = redis.store else { return }
        let plan = [QueuePlan(
            queue: "sales", strategy: "longest-idle",
            candidates: (0..<20).map { QueuePlan.Candidate(jid: "agent\($0)@localhost", capacity: 1_000_000) })]
        for _ in benchmark.scaledIterations {
            redis.counter += 1
            let visitor = "visitor\(redis.counter)@localhost"
            _ = try await store.enqueue(queue: "sales", visitor: visitor, name: "visitor", channel: .xmpp, message: "Hello")
            let assignments = try await store.route(plan)
            precondition(assignments.count == 1, "the chat went to one agent")
        }
    }
}
