/// Why the component link failed or ended.
public enum ComponentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection could not be made.
    case connectFailed(String)
    /// The server refused the handshake: wrong secret (`not-authorized`), domain taken (`conflict`), unknown domain.
    case rejected(StreamError)
    /// The server ended a working link with a stream error.
    case streamError(StreamError)
    /// The connection failed after it was made.
    case linkFailed(String)
    /// The server closed the stream or the connection.
    case closed
    /// The server did not complete the handshake in time.
    case handshakeTimeout
    /// The server spoke something other than XEP-0114.
    case protocolViolation(String)
    /// The server's certificate was refused (X509's verdict): not signed by a trusted CA, or not for `server`.
    case certificateRefused(server: String, verification: String)
    /// The TLS handshake failed for another reason (the server speaks no TLS on that port, no common version…).
    case tlsFailed(String)

    /// The server refused the handshake because another component holds the domain.
    public var isConflict: Bool {
        if case .rejected(let error) = self { error.condition == .conflict } else { false }
    }

    /// The server refused this component's own settings (secret or domain): only a change of
    /// configuration helps, so it is retried slowly. A `conflict` is not one of these: a standby
    /// router retries it quickly to take over when the active one goes.
    public var isRefusedConfiguration: Bool {
        if case .certificateRefused = self { return true }
        guard case .rejected(let error) = self else { return false }
        return error.condition == .notAuthorized || error.condition == .hostUnknown
    }

    public var description: String {
        switch self {
        case .connectFailed(let reason): "cannot connect to the XMPP server: \(reason)"
        case .rejected(let error) where error.condition == .notAuthorized:
            "the XMPP server refused the component secret (not-authorized): check the secret on both sides"
        case .rejected(let error) where error.condition == .conflict:
            "the service domain is already connected to the XMPP server (conflict): another router holds it"
        case .rejected(let error) where error.condition == .hostUnknown:
            "the XMPP server has no component for this domain (host-unknown): check its configuration"
        case .rejected(let error): "the XMPP server refused the component: \(error)"
        case .streamError(let error): "the XMPP server ended the link: \(error)"
        case .linkFailed(let reason): "the link to the XMPP server failed: \(reason)"
        case .closed: "the XMPP server closed the link"
        case .handshakeTimeout: "the XMPP server did not answer the component handshake in time"
        case .protocolViolation(let what): "the XMPP server broke the component protocol: \(what)"
        case .certificateRefused(let server, let verification):
            "the XMPP server's certificate was refused (\(verification)): set xmpp.ca_file in the workflow to the PEM file "
                + "of the CA that signed it, and xmpp.host to a name the certificate carries (\(server) was checked)"
        case .tlsFailed(let reason):
            "TLS with the XMPP server's component port failed: \(reason) (does that port speak TLS? ejabberd: tls: true on ejabberd_service)"
        }
    }
}

/// What an `XMPPComponent` reports to its owner.
public enum ComponentEvent: Sendable {
    /// The handshake succeeded; stanzas flow.
    case connected
    /// A stanza addressed to the service domain or one of its addresses.
    case stanza(Stanza)
    /// The link is down; the component will retry after `retryIn`.
    case disconnected(ComponentError, retryIn: Duration)
}
