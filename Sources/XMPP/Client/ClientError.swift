import TLS

/// Why an XMPP client could not log in, or lost its session.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    case connectFailed(String)
    /// STARTTLS was required but the server does not offer it.
    case tlsUnavailable
    case tlsFailed(String)
    /// The server's certificate failed verification (X509's verdict: "self-signed certificate",
    /// "hostname mismatch"…): trying again cannot help, trusting the right CA can.
    case certificateRefused(String)
    /// No offered mechanism is acceptable (PLAIN is refused without TLS off this machine).
    case noAcceptableMechanism(offered: [String])
    /// The server refused the credentials (the SASL failure condition and text).
    case authenticationFailed(condition: String, text: String?)
    /// Our side of SASL refused the server's messages (for instance a wrong SCRAM server signature).
    case sasl(SASLError)
    case bindFailed(String)
    case sessionFailed(String)
    case streamError(StreamError)
    /// Negotiation did not finish within the configured time.
    case timeout
    case closed
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .connectFailed(let reason): "cannot connect: \(reason)"
        case .tlsUnavailable: "the server does not offer STARTTLS, which is required"
        case .tlsFailed(let reason): "TLS failed: \(reason)"
        case .certificateRefused(let verdict): "the server's certificate was refused (\(verdict))"
        case .noAcceptableMechanism(let offered):
            "no acceptable SASL mechanism among \(offered.joined(separator: ", ")) (PLAIN needs TLS or a loopback server)"
        case .authenticationFailed(let condition, let text):
            "the server refused the login (\(condition))" + (text.map { ": \($0)" } ?? "")
        case .sasl(let error): "authentication failed: \(error)"
        case .bindFailed(let reason): "resource binding failed: \(reason)"
        case .sessionFailed(let reason): "session establishment failed: \(reason)"
        case .streamError(let error): "the server ended the stream: \(error)"
        case .timeout: "the server did not complete the login in time"
        case .closed: "the connection closed"
        case .protocolViolation(let what): "the server broke the protocol: \(what)"
        }
    }
}
