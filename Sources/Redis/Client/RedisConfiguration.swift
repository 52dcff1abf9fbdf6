import Reconnect
/// How a `RedisClient` connects, waits and reconnects.
public struct RedisConfiguration: Sendable {
    public var url: RedisURL
    /// Limit for TCP connect plus the AUTH/SELECT handshake.
    public var connectTimeout: Duration
    /// How long a command waits for a connection while the client is (re)connecting, before it
    /// fails with `RedisError.unavailable`.
    public var connectionWait: Duration
    public var backoff: Backoff
    public var replyLimits: RedisReplyLimits

    public init(
        url: RedisURL,
        connectTimeout: Duration = .seconds(2),
        connectionWait: Duration = .seconds(5),
        backoff: Backoff = Backoff(initial: .milliseconds(50), maximum: .seconds(2)),
        replyLimits: RedisReplyLimits = RedisReplyLimits()
    ) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.connectionWait = connectionWait
        self.backoff = backoff
        self.replyLimits = replyLimits
    }
}
