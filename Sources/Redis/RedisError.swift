/// Why a Redis command or connection failed.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Redis answered with an error reply (`ERR …`, `WRONGTYPE …`, `NOAUTH …`).
    case server(String)
    /// The connection dropped while the command was in flight: it may or may not have run.
    case connectionLost
    /// No connection could be made (or none came back) within the configured wait.
    case unavailable(waited: Duration, lastError: String?)
    /// The server refused the URL's password (or user) on connect.
    case authenticationFailed(String)
    /// The server refused `SELECT` of the URL's database on connect.
    case databaseSelectionFailed(Int, String)
    /// The server sent bytes that are not RESP; the connection was closed.
    case protocolError(String)
    /// A reply went beyond `RedisReplyLimits`; the connection was closed.
    case replyTooLarge(String)
    /// A reply had a shape the command does not allow (e.g. `SCRIPT LOAD` not returning a string).
    case unexpectedReply(command: String, reply: String)
    /// The client was closed.
    case closed
    /// No sentinel named a master (each one's answer or failure is in `reason`).
    case noMasterFromSentinels(String)
    /// The server the sentinels named is not (or no longer) the master.
    case notMaster(address: String, role: String)
    /// A `rediss://` URL, but the configuration has no TLS context to connect with.
    case tlsNotConfigured
    /// The TLS handshake with a server or sentinel failed (`reason` is OpenSSL's).
    case tlsFailed(address: String, reason: String)
    /// The server's (or sentinel's) certificate was refused: it is not signed by a trusted CA, or
    /// does not name the host; `verification` is X509's verdict.
    case certificateRefused(address: String, verification: String)

    public var description: String {
        switch self {
        case .server(let message):
            "Redis replied with an error: \(message)"
        case .connectionLost:
            "the connection to Redis was lost while the command was in flight (it may or may not have run)"
        case .unavailable(let waited, let lastError):
            "no connection to Redis within \(waited)" + (lastError.map { " (last error: \($0))" } ?? "")
        case .authenticationFailed(let message):
            "Redis refused the credentials: \(message)"
        case .databaseSelectionFailed(let index, let message):
            "Redis refused to select database \(index): \(message)"
        case .protocolError(let reason):
            "Redis sent a malformed reply: \(reason)"
        case .replyTooLarge(let reason):
            "a Redis reply exceeded the client's limits: \(reason)"
        case .unexpectedReply(let command, let reply):
            "unexpected reply to \(command): \(reply)"
        case .closed:
            "the Redis client is closed"
        case .noMasterFromSentinels(let reason):
            "no sentinel named the Redis master: \(reason)"
        case .notMaster(let address, let role):
            "the server the sentinels named (\(address)) is a \(role), not the master; asking again"
        case .tlsNotConfigured:
            "a rediss:// URL needs a TLS context (RedisConfiguration.tls)"
        case .tlsFailed(let address, let reason):
            "the TLS handshake with Redis at \(address) failed: \(reason)"
        case .certificateRefused(let address, let verification):
            "the certificate of Redis at \(address) was refused (\(verification)): set redis.ca_file in the workflow "
                + "(or --redis-ca-file) to the PEM file of the CA that signed the server's certificate, and make the "
                + "URL's host a name or address the certificate carries"
        }
    }
}
