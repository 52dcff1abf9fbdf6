/// How the router joins the XMPP server as the component (XEP-0114) of the service domain.
public struct XMPPSettings: Sendable, Hashable, CustomStringConvertible {
    /// Host of the server's component port.
    public var host: String
    public var port: Int
    /// The service domain: queues are `QUEUE@domain`, chats `chat-ID@domain`.
    public var domain: String
    public var secret: Secret
    /// The component link is TLS from its first byte (ejabberd's `ejabberd_service` with `tls: true`).
    public var tls: Bool
    /// The PEM file of the CA that signs the server's certificate; without it, the system's trusted CAs.
    public var caFile: String?

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 5347
    public static let defaultDomain = "support.localhost"

    public init(
        host: String = defaultHost, port: Int = defaultPort, domain: String = defaultDomain, secret: Secret, tls: Bool = false,
        caFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.domain = domain
        self.secret = secret
        self.tls = tls
        self.caFile = caFile
    }

    public var description: String { "\(host):\(port)\(tls ? " over TLS" : "") as \(domain) (secret \(secret))" }
}
