/// A bot in front of a queue's agents (`bot: {url, secret, timeout}`): each visitor line of a new
/// chat is POSTed to it, signed as webhooks are, until it hands the chat over, fails or is silent
/// past `timeout`; then the chat joins the queue at once. Its mirror shows the URL's host only.
public struct QueueBot: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// `http://` or `https://`; never logged whole (it may carry a token).
    public var url: String
    /// The HMAC-SHA-256 key of the signature header; never shown.
    public var secret: Secret
    /// How long one answer may take, connecting included, before the chat goes to the agents.
    public var timeout: Duration

    public static let defaultTimeout = Duration.seconds(5)
    /// A visitor waits for the bot's answer: a minute is already long.
    public static let timeoutRange = Duration.milliseconds(100)...Duration.seconds(60)
    /// How long past `timeout` Redis keeps a call open before any router hands the chat over:
    /// the router that made the call died without recording an answer (`bot|ID` timer).
    public static let backstopMargin = Duration.seconds(3)

    public init(url: String, secret: Secret, timeout: Duration = defaultTimeout) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
    }

    /// When a call unanswered is handed over by whichever router reads the timer.
    public var backstop: Duration { timeout + Self.backstopMargin }

    public var customMirror: Mirror {
        Mirror(self, children: ["host": Webhook.host(of: url) ?? "?", "timeout": timeout], displayStyle: .struct)
    }

    public var description: String { "bot at \(Webhook.host(of: url) ?? "?") within \(timeout.workflowText)" }
}
