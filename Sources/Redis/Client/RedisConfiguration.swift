/// How a `RedisClient` connects, waits and reconnects.
public struct RedisConfiguration: Sendable {
    public var url: RedisURL
    /// Limit for TCP connect plus the AUTH/SELECT handshake.
    public var connectTimeout: Duration
    /// How long a command waits for a connection while the client is (re)connecting, before it
    /// fails with `RedisError.unavailable`.
    public var connectionWait: Duration
    public var backoff: RedisBackoff
    public var replyLimits: RedisReplyLimits

    public init(
        url: RedisURL,
        connectTimeout: Duration = .seconds(2),
        connectionWait: Duration = .seconds(5),
        backoff: RedisBackoff = RedisBackoff(),
        replyLimits: RedisReplyLimits = RedisReplyLimits()
    ) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.connectionWait = connectionWait
        self.backoff = backoff
        self.replyLimits = replyLimits
    }
}

/// Delays between reconnection attempts: exponential, capped, with jitter so that many clients
/// cut off by the same Redis restart do not all come back in the same instant.
public struct RedisBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Fraction of each delay that is random: 0.5 means a delay `d` becomes somewhere in `d/2...d`.
    public var jitter: Double

    public init(initial: Duration = .milliseconds(50), maximum: Duration = .seconds(2), multiplier: Double = 2, jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before reconnection attempt `attempt` (1 for the first retry after a failure).
    public func delay(attempt: Int) -> Duration {
        let cap = maximum / initial
        var factor = 1.0
        for _ in 1..<max(attempt, 1) where factor < cap { factor *= multiplier }
        let delay = (initial / .nanoseconds(1)) * min(factor, cap) * (1 - jitter * Double.random(in: 0...1))
        return .nanoseconds(Int64(delay))
    }
}
