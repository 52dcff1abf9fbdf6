import Logging
import Redis
import ServiceLifecycle

/// Follows the routing event stream as one consumer of the stats group and applies what it is
/// delivered (see `Lua/applyEvents-3.lua`: applying and acknowledging are one atomic step).
///
/// On start it takes over entries left pending by consumers idle for a minute (a killed
/// instance) and re-reads its own pending ones; any of them already applied are only
/// acknowledged. Several instances may share the group: entries are applied in stream order
/// whoever receives them.
public struct EventConsumer: Service, CustomStringConvertible {
    let applier: EventApplier
    /// A connection of its own: a blocking read holds it.
    let redis: RedisClient
    let consumer: String
    let logger: Logger
    /// How long one read waits for new entries (also how soon a graceful shutdown is noticed).
    let block: Duration

    public init(applier: EventApplier, redis: RedisClient, consumer: String, logger: Logger, block: Duration = .seconds(1)) {
        self.applier = applier
        self.redis = redis
        self.consumer = consumer
        self.block = block
        var logger = logger
        logger[metadataKey: "consumer"] = "\(consumer)"
        self.logger = logger
    }

    public var description: String { "EventConsumer(\(consumer))" }

    public func run() async throws {
        var failures = 0
        var started = false
        var ownPendingRead = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !started {
                    try await applier.ensureGroup()
                    try await claimAbandoned()
                    started = true
                }
                // First what was delivered to this consumer before and not acknowledged, then new entries.
                let ids = try await read(from: ownPendingRead ? ">" : "0")
                if !ownPendingRead && ids.isEmpty { ownPendingRead = true }
                if !ids.isEmpty { try await apply(ids) }
                failures = 0
            } catch {
                // The stream (and its group) went away, e.g. FLUSHALL: make the group again.
                if case RedisError.server(let message) = error, message.hasPrefix("NOGROUP") { started = false }
                failures += 1
                let delay = Duration.milliseconds(min(5_000, 100 << min(failures, 6)))
                logger.warning("reading routing events failed; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    private func apply(_ ids: [String]) async throws {
        var applied: EventApplier.Applied
        repeat {
            applied = try await applier.apply(delivered: ids)
            if applied.count > 0 {
                logger.debug("applied routing events", metadata: ["count": "\(applied.count)", "cursor": "\(applied.cursor)"])
            }
        } while applied.more
    }

    /// Takes over the entries other consumers left pending for over a minute, so they are
    /// acknowledged (and applied, if they were not).
    private func claimAbandoned() async throws {
        var start = "0-0"
        for _ in 0..<100 {
            let reply = try await redis.send(
                "XAUTOCLAIM", applier.keys.events, applier.group, consumer, "60000", start, "COUNT", "1000")
            guard let next = reply.array?.first?.string, next != "0-0" else { return }
            start = next
        }
    }

    /// Ids of entries delivered by one XREADGROUP (`0`: this consumer's pending ones, `>`: new ones).
    private func read(from id: String) async throws -> [String] {
        let milliseconds = String(block.components.seconds * 1000 + block.components.attoseconds / 1_000_000_000_000_000)
        let reply = try await redis.send(RedisCommand("XREADGROUP", [
            "GROUP", applier.group, consumer, "COUNT", "500", "BLOCK", milliseconds, "STREAMS", applier.keys.events, id,
        ]))
        guard let streams = reply.array, let entries = streams.first?.array?.last?.array else { return [] }
        return entries.compactMap { $0.array?.first?.string }
    }
}
