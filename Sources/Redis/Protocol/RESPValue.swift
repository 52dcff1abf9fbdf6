/// A reply from Redis (RESP2), as hiredis's reader parses it.
///
/// hiredis folds the null bulk string (`$-1`) and the null array (`*-1`) into one nil reply,
/// so both arrive as `.null`.
public enum RESPValue: Sendable, Hashable {
    case status(String)
    case error(String)
    case integer(Int)
    case bulk([UInt8])
    case array([RESPValue])
    case null
}

extension RESPValue {
    /// The text of a status or bulk reply (bulk bytes decoded as UTF-8).
    public var string: String? {
        switch self {
        case .status(let text): text
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// An integer reply, or a bulk/status reply holding a decimal integer
    /// (Redis returns counters read by `GET` and script results as bulk strings).
    public var int: Int? {
        switch self {
        case .integer(let value): value
        case .bulk, .status: string.flatMap { Int($0) }
        default: nil
        }
    }

    /// The elements of an array reply.
    public var array: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The raw bytes of a bulk reply.
    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { return bytes }
        return nil
    }

    /// The message of an error reply, e.g. `NOSCRIPT No matching script.`
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    public var isNull: Bool { self == .null }
}

extension RESPValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .status(let text): "+\(text)"
        case .error(let message): "-\(message)"
        case .integer(let value): ":\(value)"
        case .bulk(let bytes): "\"\(String(decoding: bytes, as: UTF8.self))\""
        case .array(let elements): "[\(elements.map(\.description).joined(separator: ", "))]"
        case .null: "(nil)"
        }
    }
}
