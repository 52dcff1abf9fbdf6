import Logging
import Routing

/// Web visitors as the router reaches them: every notice is published through Redis for
/// whichever web service holds the visitor's WebSocket (the router that handled an agent's
/// message need not be the one serving the visitor), in the order the router made them, from
/// one task, so an `assigned` never overtakes the `queued` before it.
public final class WebVisitorChannel: VisitorChannel {
    private let store: RoutingStore
    private let logger: Logger
    private let notices: AsyncStream<VisitorNotice>
    private let continuation: AsyncStream<VisitorNotice>.Continuation

    public init(store: RoutingStore, logger: Logger) {
        self.store = store
        self.logger = logger
        (notices, continuation) = AsyncStream.makeStream(of: VisitorNotice.self)
    }

    public func carries(_ visitor: String) -> Bool { WebVisitor.isWebVisitor(visitor) }

    public func tell(_ notice: VisitorNotice, queue: String, domain: String) {
        continuation.yield(notice)
    }

    /// Publishes until the task is cancelled; a notice Redis refuses is logged and dropped
    /// (lost notices are harmless: the transcript and the chat's fields in Redis stay the truth
    /// a reconnecting widget catches up from).
    public func run() async {
        let channel = WebKeys(store.keys).notices
        for await notice in notices {
            do {
                try await store.publish(notice, on: channel)
            } catch {
                logger.warning("could not publish a web visitor notice: \(error)", metadata: ["kind": "\(notice.kind.rawValue)"])
            }
        }
    }
}

/// Web visitors' ids: never a JID, so the router knows to publish instead of sending XMPP.
public enum WebVisitor {
    public static let prefix = "web:"

    public static func isWebVisitor(_ id: String) -> Bool { id.hasPrefix(prefix) }
}
