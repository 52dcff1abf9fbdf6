/// The stats service's side of the workflow: where `switchboard stats` listens, the bearer token
/// its API and dashboard ask for, and whether `/metrics` is served without it.
public struct StatsServiceSettings: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Usually `${SB_STATS_TOKEN}` in the file; nil when the file names none (the service then
    /// takes it from the environment).
    public var token: Secret?
    public var openMetrics: Bool

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 8081

    public init(host: String = defaultHost, port: Int = defaultPort, token: Secret? = nil, openMetrics: Bool = false) {
        self.host = host
        self.port = port
        self.token = token
        self.openMetrics = openMetrics
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var listen: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String {
        listen + (token.map { ", token \($0)" } ?? "") + (openMetrics ? ", open /metrics" : "")
    }
}
