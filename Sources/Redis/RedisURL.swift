/// Where and how to reach Redis: `redis://[[user]:password@]host[:port][/db]`.
///
/// The password never appears in `description`, `debugDescription` or a mirror, so a URL can be
/// logged or interpolated safely.
public struct RedisURL: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var database: Int
    public var username: String?
    public var password: String?

    public static let defaultPort = 6379

    public init(host: String, port: Int = defaultPort, database: Int = 0, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
    }

    /// Parses a `redis://` URL; user and password may be percent-encoded.
    public init(_ text: String) throws(RedisURLError) {
        let prefix = "redis://"
        guard text.hasPrefix(prefix) else {
            // Only a plausible scheme is repeated in the error: anything else might be part of a password.
            if let end = text.firstRange(of: "://"), text[..<end.lowerBound].allSatisfy({ $0.isLetter || $0 == "+" }) {
                throw .unsupportedScheme(String(text[..<end.lowerBound]))
            }
            throw .missingScheme
        }
        var rest = Substring(text.dropFirst(prefix.count))
        if rest.contains("?") || rest.contains("#") { throw .unsupportedQuery }

        // The last "@" ends the user info: a password may itself contain "@" (better percent-encoded).
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else { throw .usernameWithoutPassword }
            let user = try Self.percentDecoded(userInfo[..<colon])
            username = user.isEmpty ? nil : user
            password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
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
        host = String(hostPart)
        if let portPart {
            guard let number = Int(portPart), (1...65535).contains(number) else { throw .invalidPort }
            port = number
        } else {
            port = Self.defaultPort
        }
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
        var text = "redis://"
        if password != nil {
            text += "\(username ?? ""):***@"
        }
        text += host.contains(":") ? "[\(host)]" : host
        text += ":\(port)"
        if database != 0 { text += "/\(database)" }
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

    public var description: String {
        switch self {
        case .missingScheme: "a Redis URL starts with redis://"
        case .unsupportedScheme(let scheme): "unsupported scheme \"\(scheme)\": only redis:// is supported (no TLS)"
        case .unsupportedQuery: "a Redis URL takes no query (?) or fragment (#)"
        case .usernameWithoutPassword: "the user info needs a password: redis://user:password@host or redis://:password@host"
        case .invalidPercentEncoding: "the user or password has a malformed %-escape"
        case .missingHost: "the Redis URL has no host"
        case .invalidPort: "the port must be a number from 1 to 65535"
        case .invalidDatabase: "the database must be a non-negative number, as in redis://host:6379/2"
        }
    }
}
