import Reconnect
import TLS

/// How the router reaches the XMPP server as an external component (XEP-0114).
public struct ComponentConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The service domain the component serves (`support.localhost`).
    public var domain: String
    /// The shared secret of the handshake. Never logged or printed.
    public var secret: String
    /// The link is checked this often: when idle it is pinged through the server; silent for
    /// two intervals, it is taken for dead and reconnected.
    public var keepaliveInterval: Duration
    public var connectTimeout: Duration
    /// The server must accept the handshake within this time.
    public var handshakeTimeout: Duration
    /// Where link checks are pinged: an XMPP server answers for it (even an error proves the
    /// link alive). By default the service domain's parent (`localhost` for `support.localhost`).
    public var pingTarget: String
    public var backoff: Backoff
    /// The backoff after the server refused the component for its configuration (a wrong secret,
    /// an unknown domain): retrying soon cannot help, and a storm of handshakes fills the
    /// server's log, so these retries start at seconds and slow down to a minute.
    public var refusedBackoff: Backoff
    public var limits: XMLStreamLimits
    /// Stanzas sent while the link is down wait in a queue this long at most; older ones are dropped.
    public var outboundQueueLimit: Int
    /// A hot standby: while another component holds the domain (the server answers `conflict`,
    /// as Prosody does for a second connection), try again this often, so the standby takes
    /// over within about this long once the holder goes. Nil: `conflict` is an error like any
    /// other, retried with `backoff`.
    public var standbyInterval: Duration?
    /// Names this component's pings (letters and digits): with several routers on one domain
    /// (ejabberd) the server may answer a ping on another router's link, which hands it back by
    /// this name (`LinkAnswer`). Random per process unless set.
    public var instance: String
    /// TLS from the first byte, for a server that offers it on its component port (ejabberd's
    /// `ejabberd_service` with `tls: true`); the context says which CAs verify the server.
    public var tls: TLSContext?
    /// The name the server's certificate must carry, when it is not `host`.
    public var tlsServerName: String?

    public init(
        host: String = "127.0.0.1", port: Int = 5347, domain: String = "support.localhost", secret: String,
        keepaliveInterval: Duration = .seconds(30), connectTimeout: Duration = .seconds(5),
        handshakeTimeout: Duration = .seconds(10), pingTarget: String? = nil, backoff: Backoff = Backoff(),
        refusedBackoff: Backoff = Backoff(initial: .seconds(5), maximum: .seconds(60), jitter: 0.2),
        limits: XMLStreamLimits = XMLStreamLimits(), outboundQueueLimit: Int = 10_000,
        standbyInterval: Duration? = nil, tls: TLSContext? = nil, instance: String = ComponentConfiguration.newInstance()
    ) {
        self.host = host
        self.port = port
        self.domain = domain
        self.secret = secret
        self.keepaliveInterval = keepaliveInterval
        self.connectTimeout = connectTimeout
        self.handshakeTimeout = handshakeTimeout
        self.pingTarget = pingTarget ?? domain.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? domain
        self.backoff = backoff
        self.refusedBackoff = refusedBackoff
        self.limits = limits
        self.outboundQueueLimit = outboundQueueLimit
        self.standbyInterval = standbyInterval
        self.tls = tls
        self.instance = instance
    }

    /// A fresh instance name: 12 random letters and digits, the same length for every router.
    public static func newInstance() -> String {
        let digits = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<12).map { _ in digits.randomElement() ?? "a" })
    }
}

extension ComponentConfiguration: CustomStringConvertible, CustomReflectable {
    /// Everything but the secret.
    public var description: String { "component \(domain) at \(host):\(port)\(tls == nil ? "" : " over TLS")" }

    /// `dump` shows no secret either.
    public var customMirror: Mirror {
        Mirror(self, children: ["domain": domain, "host": host, "port": port])
    }
}
