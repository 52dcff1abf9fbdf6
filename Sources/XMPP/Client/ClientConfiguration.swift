import TLS

/// How an XMPP client (the agent console, tests, the load generator) logs in to a server.
public struct ClientConfiguration: Sendable {
    /// The account; a resource in it is requested at binding.
    public var jid: JID
    /// Never logged or printed.
    public var password: String
    /// Where to connect; the JID's domain when nil.
    public var host: String?
    public var port: Int
    public var security: ClientSecurity
    public var connectTimeout: Duration
    /// Stream negotiation (TLS, SASL, binding) must finish within this time.
    public var negotiationTimeout: Duration
    public var limits: XMLStreamLimits

    public init(
        jid: JID, password: String, host: String? = nil, port: Int = 5222,
        security: ClientSecurity,
        connectTimeout: Duration = .seconds(5), negotiationTimeout: Duration = .seconds(15),
        limits: XMLStreamLimits = XMLStreamLimits(maxStanzaSize: 256 * 1024)
    ) {
        self.jid = jid
        self.password = password
        self.host = host
        self.port = port
        self.security = security
        self.connectTimeout = connectTimeout
        self.negotiationTimeout = negotiationTimeout
        self.limits = limits
    }

    var connectHost: String { host ?? jid.domain }
}

extension ClientConfiguration: CustomStringConvertible, CustomReflectable {
    /// Everything but the password.
    public var description: String { "\(jid) via \(connectHost):\(port)" }

    /// `dump` shows no password either.
    public var customMirror: Mirror {
        Mirror(self, children: ["jid": jid, "host": connectHost, "port": port])
    }
}

/// Whether the client secures its stream.
public enum ClientSecurity: Sendable {
    /// STARTTLS is required; the connection fails if the server does not offer it.
    /// One context serves any number of connections.
    case startTLS(TLSContext)
    /// No TLS: only for a server on this machine (PLAIN is refused otherwise).
    case plaintext
}
