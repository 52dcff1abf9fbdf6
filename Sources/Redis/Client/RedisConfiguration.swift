import Reconnect
import TLS

/// How a `RedisClient` connects, waits and reconnects.
public struct RedisConfiguration: Sendable {
    public var url: RedisURL
    /// For a `rediss://` or `rediss-sentinel://` URL: the client context that verifies servers and
    /// sentinels (a private CA, or the system's). Without one, a TLS URL cannot connect.
    public var tls: TLSContext?
    /// Limit for TCP connect plus the AUTH/SELECT handshake.
    public var connectTimeout: Duration
    /// How long a command waits for a connection while the client is (re)connecting, before it
    /// fails with `RedisError.unavailable`.
    public var connectionWait: Duration
    public var backoff: Backoff
    public var replyLimits: RedisReplyLimits

    public init(
        url: RedisURL,
        tls: TLSContext? = nil,
        connectTimeout: Duration = .seconds(2),
        connectionWait: Duration = .seconds(5),
        backoff: Backoff = Backoff(initial: .milliseconds(50), maximum: .seconds(2)),
        replyLimits: RedisReplyLimits = RedisReplyLimits()
    ) {
        self.url = url
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.connectionWait = connectionWait
        self.backoff = backoff
        self.replyLimits = replyLimits
    }
}

extension RedisConfiguration {
    /// A configuration for `url`: over TLS (`rediss://`), certificates are verified against the
    /// CAs in `caFile` (PEM), or the system's trusted CAs without one. Throws if the file does not load.
    public init(url: RedisURL, caFile: String?) throws(TLSError) {
        guard url.tls else {
            self.init(url: url)
            return
        }
        let verification: TLSConfiguration.PeerVerification = caFile.map { .caFile($0) } ?? .systemTrustStore
        self.init(url: url, tls: try TLSContext(.client(verification: verification)))
    }
}
