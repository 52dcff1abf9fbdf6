import CoreMetrics

/// What a Redis client counts for operators, through swift-metrics (the process picks the
/// backend). Made once per client, so a command only records into existing handles.
struct RedisMetrics: Sendable {
    /// From a command (or pipeline) handed to the client until its reply: the wait for a
    /// connection included, as that is what the caller waits.
    let roundTrip = Timer(label: "switchboard_redis_roundtrip_seconds")
    /// Connections open now, over every client of the process.
    let open = Meter(label: "switchboard_redis_connections_open")
    let connects = Counter(label: "switchboard_redis_connects_total")
    let connectFailures = Counter(label: "switchboard_redis_connect_failures_total")
    let connectionsLost = Counter(label: "switchboard_redis_connections_lost_total")
}
