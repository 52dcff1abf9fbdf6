/// Where and how to reach Redis: `redis://[[user]:password@]host[:port][/db]`, or through
/// Sentinel, in Lettuce's form: `redis-sentinel://[[user]:password@]host[:port][,host[:port]…][/db]#master`.
/// `rediss://` and `rediss-sentinel://` are the same over TLS (sentinels and servers alike), for
/// links that leave the machine; the CA that verifies them is `RedisConfiguration.tls`.
///
/// The password never appears in `description`, `debugDescription` or a mirror, so a URL can be
/// logged or interpolated safely.
public struct RedisURL: Sendable, Hashable {
    /// The server; for a `redis-sentinel://` URL, the first sentinel (the server is the master they name).
    public var host: String
    public var port: Int
    public var database: Int
    /// The user and password are the server's (master and replicas); sentinels are asked without them.
    public var username: String?
    public var password: String?
    /// Set for `redis-sentinel://`: the server is whichever the sentinels say is the master.
    public var sentinels: RedisSentinels?
    /// `rediss://` or `rediss-sentinel://`: every connection (to sentinels too) is TLS.
    public var tls: Bool

    public static let defaultPort = 6379
    public static let scheme = "redis://"
    public static let tlsScheme = "rediss://"

    public init(
        host: String, port: Int = defaultPort, database: Int = 0, username: String? = nil, password: String? = nil,
        sentinels: RedisSentinels? = nil, tls: Bool = false
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.sentinels = sentinels
        self.tls = tls
    }

    /// Parses a `redis://`, `rediss://`, `redis-sentinel://` or `rediss-sentinel://` URL; user and
    /// password may be percent-encoded.
    public init(_ text: String) throws(RedisURLError) {
        let schemes = [
            (RedisSentinels.scheme, true, false), (RedisSentinels.tlsScheme, true, true),
            (Self.scheme, false, false), (Self.tlsScheme, false, true),
        ]
        guard let (prefix, sentinel, tls) = schemes.first(where: { text.hasPrefix($0.0) }) else {
            // Only a plausible scheme is repeated in the error: anything else might be part of a password.
            if let end = text.firstRange(of: "://"), text[..<end.lowerBound].allSatisfy({ $0.isLetter || $0 == "+" || $0 == "-" }),
                end.lowerBound != text.startIndex, text.distance(from: text.startIndex, to: end.lowerBound) <= 32
            {
                throw .unsupportedScheme(String(text[..<end.lowerBound]))
            }
            throw .missingScheme
        }
        self.tls = tls
        var rest = Substring(text.dropFirst(prefix.count))
        if !sentinel, rest.contains("?") || rest.contains("#") { throw .unsupportedQuery }

        // The last "@" ends the user info: a password may itself contain "@" (better percent-encoded).
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else { throw .usernameWithoutPassword }
            let user = try Self.percentDecoded(userInfo[..<colon])
            username = user.isEmpty ? nil : user
            password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
        }

        var masterName: String?
        if sentinel {
            if rest.contains("?") { throw .unsupportedQuery }
            guard let hash = rest.firstIndex(of: "#") else { throw .missingMasterName }
            masterName = try RedisSentinels.checkedMasterName(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }

        let authority: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            if path.isEmpty {
                database = 0
            } else if let number = Int(path), number >= 0 {
                database = number
            } else {
                throw .invalidDatabase
            }
        } else {
            authority = rest
            database = 0
        }

        if let masterName {
            let entries = authority.split(separator: ",", omittingEmptySubsequences: false)
            guard entries.count <= RedisSentinels.maximumCount else { throw .tooManySentinels }
            let addresses = try entries.map { entry throws(RedisURLError) in
                try Self.address(entry, defaultPort: RedisSentinels.defaultPort)
            }
            sentinels = RedisSentinels(addresses: addresses, masterName: masterName)
            (host, port) = (addresses[0].host, addresses[0].port)
        } else {
            let address = try Self.address(authority, defaultPort: Self.defaultPort)
            (host, port) = (address.host, address.port)
        }
    }

    /// `host[:port]` or `[v6]:port`.
    private static func address(_ authority: Substring, defaultPort: Int) throws(RedisURLError) -> RedisAddress {
        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("[") {
            // An IPv6 literal: [::1]:6379
            guard let close = authority.firstIndex(of: "]") else { throw .missingHost }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw .invalidPort }
            portPart = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
            portPart = nil
        }
        guard !hostPart.isEmpty else { throw .missingHost }
        guard let portPart else { return RedisAddress(host: String(hostPart), port: defaultPort) }
        guard portPart.count <= 5, let number = Int(portPart), (1...65535).contains(number) else { throw .invalidPort }
        return RedisAddress(host: String(hostPart), port: number)
    }

    private static func percentDecoded(_ text: Substring) throws(RedisURLError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .invalidPercentEncoding
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension RedisURL: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The URL with the password replaced by `***`.
    public var description: String {
        var text = switch (sentinels == nil, tls) {
        case (true, false): Self.scheme
        case (true, true): Self.tlsScheme
        case (false, false): RedisSentinels.scheme
        case (false, true): RedisSentinels.tlsScheme
        }
        if password != nil {
            text += "\(username ?? ""):***@"
        }
        text += sentinels.map { $0.addresses.map(\.description).joined(separator: ",") } ?? RedisAddress(host: host, port: port).description
        if database != 0 { text += "/\(database)" }
        if let sentinels { text += "#\(sentinels.masterName)" }
        return text
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["description": description], displayStyle: .struct)
    }
}

/// Why a text is not a usable Redis URL; messages never repeat the text, which may hold a password.
public enum RedisURLError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingScheme
    case unsupportedScheme(String)
    case unsupportedQuery
    case usernameWithoutPassword
    case invalidPercentEncoding
    case missingHost
    case invalidPort
    case invalidDatabase
    case missingMasterName
    case invalidMasterName
    case tooManySentinels

    public var description: String {
        switch self {
        case .missingScheme: "a Redis URL starts with redis://, rediss:// (TLS), redis-sentinel:// or rediss-sentinel://"
        case .unsupportedScheme(let scheme):
            "unsupported scheme \"\(scheme)\": use redis://, rediss:// (TLS), redis-sentinel:// or rediss-sentinel://"
        case .unsupportedQuery: "a Redis URL takes no query (?), and only a redis-sentinel:// URL a fragment (#master)"
        case .missingMasterName: "a redis-sentinel:// URL names the master after '#', as redis-sentinel://host:26379/0#mymaster"
        case .invalidMasterName:
            "the master name after '#' must be 1 to \(RedisSentinels.longestMasterName) letters, digits, '-', '_', '.' or ':'"
        case .tooManySentinels: "a redis-sentinel:// URL lists at most \(RedisSentinels.maximumCount) sentinels"
        case .usernameWithoutPassword: "the user info needs a password: redis://user:password@host or redis://:password@host"
        case .invalidPercentEncoding: "the user or password has a malformed %-escape"
        case .missingHost: "the Redis URL has no host (or an empty entry in its list of sentinels)"
        case .invalidPort: "each port must be a number from 1 to 65535"
        case .invalidDatabase: "the database must be a non-negative number, as in redis://host:6379/2"
        }
    }
}
