/// A receiver of routing events over HTTP: `switchboard webhooks serve` POSTs each event it
/// subscribes to, signed with its secret. Its description and mirror show the URL's host only.
public struct Webhook: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// Names the hook in logs, metrics, dead letters and its delivery state in Redis: safe to show,
    /// unlike the URL, which may carry a token. Defaults to the URL's host.
    public var name: String
    /// `http://` or `https://`; never logged whole.
    public var url: String
    /// In the order of the file, each once.
    public var events: [WebhookEvent]
    /// The HMAC-SHA-256 key of the signature header; never shown.
    public var secret: Secret
    /// How long one POST may take, connecting included, before it counts as failed and is retried.
    public var timeout: Duration

    public static let defaultTimeout = Duration.seconds(10)
    public static let timeoutRange = Duration.milliseconds(100)...Duration.seconds(300)

    public init(name: String, url: String, events: [WebhookEvent], secret: Secret, timeout: Duration = defaultTimeout) {
        self.name = name
        self.url = url
        self.events = events
        self.secret = secret
        self.timeout = timeout
    }

    public func subscribes(to event: WebhookEvent) -> Bool { events.contains(event) }

    /// The host of `url` (between `://` and the next `/`, `?` or `#`, without any `user@`).
    public static func host(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let authority = url[scheme.upperBound...].prefix { !"/?#".contains($0) }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return host.isEmpty ? nil : String(host)
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "host": Self.host(of: url) ?? "?", "events": events, "timeout": timeout], displayStyle: .struct)
    }

    public var description: String {
        "\(name) (\(Self.host(of: url) ?? "?"): \(events.map(\.rawValue).joined(separator: ", ")))"
    }
}
