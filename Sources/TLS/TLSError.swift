/// Why TLS failed, with OpenSSL's own reason (`error:…` strings) where OpenSSL gave one.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Building the shared `SSL_CTX` failed, e.g. a certificate, key or CA file that does not load.
    case contextSetupFailed(operation: String, reason: String)
    /// Preparing one connection failed (`SSL_new`, SNI, the hostname check), or the context has the other role.
    case connectionSetupFailed(operation: String, reason: String)
    /// The handshake failed; `certificateVerification` is X509's verdict when the peer's certificate was
    /// refused ("hostname mismatch", "self-signed certificate", …).
    case handshakeFailed(reason: String, certificateVerification: String?)
    /// Decrypting or encrypting application data failed after the handshake.
    case ioFailed(operation: String, reason: String)
    /// The connection closed before the handshake completed.
    case closedDuringHandshake
    /// The TLS connection is closed (or failed), so the write cannot happen.
    case closed
    /// Writes issued before the handshake completed grew beyond the handler's limit in bytes.
    case writeBufferFull(limit: Int)

    public var description: String {
        switch self {
        case .contextSetupFailed(let operation, let reason): "TLS set-up failed in \(operation): \(reason)"
        case .connectionSetupFailed(let operation, let reason):
            "TLS connection set-up failed in \(operation): \(reason)"
        case .handshakeFailed(let reason, nil): "TLS handshake failed: \(reason)"
        case .handshakeFailed(let reason, let verification?):
            "TLS handshake failed: \(reason) (certificate verification: \(verification))"
        case .ioFailed(let operation, let reason): "TLS \(operation) failed: \(reason)"
        case .closedDuringHandshake: "the connection closed during the TLS handshake"
        case .closed: "the TLS connection is closed"
        case .writeBufferFull(let limit): "more than \(limit) bytes written before the TLS handshake completed"
        }
    }
}
