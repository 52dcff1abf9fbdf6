/// Limits and timers that protect the router and pace what visitors and agents see.
public struct Limits: Sendable, Hashable {
    /// At most `messages` from one visitor within `per`; more are refused, not queued.
    public struct Flood: Sendable, Hashable {
        public var messages: Int
        public var per: Duration

        public init(messages: Int, per: Duration) {
            self.messages = messages
            self.per = per
        }
    }

    /// Largest message body a visitor may send, in bytes (UTF-8); larger ones get `policy-violation`.
    public var bodyBytes = 4096
    public var flood = Flood(messages: 10, per: .seconds(10))
    /// How long an agent may be offline before their active chats go back to the front of the queue.
    public var offlineGrace: Duration = .seconds(60)
    /// After the router joins the XMPP server and probes every agent, how long it waits to hear
    /// from each; one not heard from counts as offline.
    public var presenceResync: Duration = .seconds(5)
    /// How long after a visitor's `gone` chat state the chat closes, unless the visitor writes again.
    public var goneTimeout: Duration = .seconds(120)
    /// Offers an agent may miss in a row before the router sets them away.
    public var missedOffersBeforeAway = 3
    /// At most one position update per waiting visitor this often.
    public var positionUpdateInterval: Duration = .seconds(15)
    /// How long a visitor's line whose client-numbered predecessor has not come yet (another
    /// router has it) waits for it before it is passed on anyway; zero: never waits.
    public var lineOrderHold: Duration = .milliseconds(250)

    public init() {}
}
