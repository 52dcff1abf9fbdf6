/// Where the routing state lives: a Redis URL and the prefix of every key.
///
/// `description` and the mirror show the URL with its password replaced, so settings can be logged.
public struct RedisSettings: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// `redis://[[user]:password@]host[:port][/db]` or
    /// `redis-sentinel://[[user]:password@]host[:port][,host[:port]…][/db]#master`; parsed by the Redis client.
    /// `rediss://` and `rediss-sentinel://` are the same over TLS.
    public var url: String
    /// For a TLS URL: the PEM file of the CA(s) that sign the servers' and sentinels' certificates;
    /// without it, the system's trusted CAs.
    public var caFile: String?
    /// Prefix of every key (`sb:{sales}:waiting`), so several workflows can share one Redis.
    public var prefix: String
    /// Routing writes wait (`WAIT`) for this many replicas before anyone is told (0: no wait).
    public var minReplicasAck: Int
    /// How long a routing write waits for them.
    public var replicaAckTimeout: Duration

    public static let defaultURL = "redis://127.0.0.1:6379"
    public static let defaultPrefix = "sb"
    public static let replicaAckRange = 0...16
    public static let replicaAckTimeoutRange = Duration.milliseconds(10)...Duration.seconds(10)

    public init(
        url: String = defaultURL, prefix: String = defaultPrefix, minReplicasAck: Int = 0, replicaAckTimeout: Duration = .seconds(1),
        caFile: String? = nil
    ) {
        self.url = url
        self.caFile = caFile
        self.prefix = prefix
        self.minReplicasAck = minReplicasAck
        self.replicaAckTimeout = replicaAckTimeout
    }

    /// The URL with any password replaced by `***`.
    public var redactedURL: String {
        guard let scheme = url.firstRange(of: "://") else { return "<hidden>" }
        let rest = url[scheme.upperBound...]
        // The last "@" ends the user information, as the Redis client reads it.
        guard let at = rest.lastIndex(of: "@") else { return url }
        let user = rest[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let hidden = user.count == 2 ? "\(user[0]):***" : "***"
        return "\(url[..<scheme.upperBound])\(hidden)\(rest[at...])"
    }

    public var description: String {
        "\(redactedURL) prefix \(prefix)" + (minReplicasAck > 0 ? " min_replicas_ack \(minReplicasAck)" : "")
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["url": redactedURL, "prefix": prefix], displayStyle: .struct)
    }
}
