/// The router's web side: where it listens for the widget's page and WebSocket, and which sites
/// may open that WebSocket.
public struct HTTPSettings: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Origins (`https://shop.example.com`) of pages allowed to embed the widget, lowercased,
    /// without a trailing slash.
    public var allowedOrigins: [String]
    /// Reverse proxies (CIDR blocks) whose `Forwarded` / `X-Forwarded-For` headers name the client
    /// the per-address limits count; from anyone else those headers are ignored.
    public var trustedProxies: [IPNetwork]
    /// Files visitors may send (`POST /upload`); nil: the widget offers no attach button.
    public var uploads: UploadSettings?

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 8080

    public init(host: String = defaultHost, port: Int = defaultPort, allowedOrigins: [String] = [], trustedProxies: [IPNetwork] = []) {
        self.host = host
        self.port = port
        self.allowedOrigins = allowedOrigins
        self.trustedProxies = trustedProxies
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var listen: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String {
        allowedOrigins.isEmpty ? listen : "\(listen), origins \(allowedOrigins.joined(separator: " "))"
    }
}
