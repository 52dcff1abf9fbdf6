/// A host and port of a Redis server or sentinel.
public struct RedisAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, `[v6]:port`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The sentinels of a `redis-sentinel://` URL and the name of the master they watch: the client
/// asks them where the master is (`SENTINEL get-master-addr-by-name`) before each connection.
public struct RedisSentinels: Sendable, Hashable {
    public var addresses: [RedisAddress]
    public var masterName: String

    public static let scheme = "redis-sentinel://"
    /// Sentinels and servers over TLS.
    public static let tlsScheme = "rediss-sentinel://"
    public static let defaultPort = 26379
    /// More would only slow a lookup down: each is asked in turn until one answers.
    public static let maximumCount = 16
    public static let longestMasterName = 128

    public init(addresses: [RedisAddress], masterName: String) {
        precondition(!addresses.isEmpty, "at least one sentinel")
        self.addresses = addresses
        self.masterName = masterName
    }

    /// A master name as sentinels take it in their configuration, without spaces or anything
    /// that would need quoting.
    static func checkedMasterName(_ text: Substring) throws(RedisURLError) -> String {
        guard !text.isEmpty else { throw .missingMasterName }
        guard text.count <= longestMasterName,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        else { throw .invalidMasterName }
        return String(text)
    }
}
