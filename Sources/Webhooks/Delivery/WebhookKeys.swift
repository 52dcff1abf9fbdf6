/// The webhooks service's Redis keys, under the deployment's hash tag (`{sb}:webhooks:…`) beside
/// the routing keys, so a transaction may touch them and the event stream in one Cluster slot.
public struct WebhookKeys: Sendable, Hashable {
    public let prefix: String
    let base: String

    public init(prefix: String) {
        self.prefix = prefix
        base = "{\(prefix)}:webhooks:"
    }

    /// The routing event stream the service reads in its consumer group.
    public var events: String { RoutingStream.events(prefix: prefix) }
    /// The id of the last stream entry taken in (queued for every hook that wants it).
    public var cursor: String { base + "cursor" }
    /// A hook's chats with events to deliver, scored by when the next attempt is due (ms since 1970).
    public func due(_ hook: String) -> String { base + "hook:" + hook + ":due" }
    /// A hook's events of one chat, oldest first: only the first is ever being delivered.
    public func queue(_ hook: String, chat: String) -> String { base + "hook:" + hook + ":chat:" + chat }
    /// Failed attempts at the first event of each of a hook's chats: `CHAT|n` and `CHAT|first` (ms).
    public func tries(_ hook: String) -> String { base + "hook:" + hook + ":tries" }
    /// Per open chat, the time and kind of the last message line matched and how many of that
    /// time and kind there were (`TS|KIND|N`), to tell apart messages of one millisecond.
    public var sameTime: String { base + "same-time" }
    /// Dead letters by id (`HOOK/STREAM-ID`), as JSON.
    public var failed: String { base + "failed" }
    /// Dead letter ids scored by when they were given up (ms), for listing in order.
    public var failedOrder: String { base + "failed:order" }
}
