import Logging
import Redis
import ServiceLifecycle

/// Follows the routing event stream as one consumer of the stats group and applies what it is
/// delivered (see `Lua/applyEvents-3.lua`: applying and acknowledging are one atomic step).
///
/// The group's reading (taking over what a killed instance left pending, re-reading its own
/// pending entries, recreating a vanished group) is `StreamGroupReader`'s; entries already
/// applied are only acknowledged. Several instances may share the group: entries are applied in
/// stream order whoever receives them.
public struct EventConsumer: Service, CustomStringConvertible {
    let applier: EventApplier
    let reader: StreamGroupReader
    let logger: Logger

    /// `redis` is a connection of its own: a blocking read holds it. `block` is how long one read
    /// waits for new entries (also how soon a graceful shutdown is noticed).
    public init(applier: EventApplier, redis: RedisClient, consumer: String, logger: Logger, block: Duration = .seconds(1)) {
        self.applier = applier
        reader = StreamGroupReader(redis: redis, stream: applier.keys.events, group: applier.group, consumer: consumer, block: block)
        var logger = logger
        logger[metadataKey: "consumer"] = "\(consumer)"
        self.logger = logger
    }

    public var description: String { "EventConsumer(\(reader.consumer))" }

    public func run() async throws {
        await reader.follow(logger: logger, running: { !Task.isShuttingDownGracefully }) { entries in
            try await apply(entries.map(\.id))
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
}
