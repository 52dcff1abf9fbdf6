import Logging
import Redis

/// Publishes notices to web visitors in the order the router makes them, from one task, so an
/// `assigned` never overtakes the `queued` before it.
final class VisitorNoticePublisher: Sendable {
    private let notices: AsyncStream<VisitorNotice>
    private let continuation: AsyncStream<VisitorNotice>.Continuation

    init() {
        (notices, continuation) = AsyncStream.makeStream(of: VisitorNotice.self)
    }

    func publish(_ notice: VisitorNotice) {
        continuation.yield(notice)
    }

    /// Runs until the task is cancelled; a notice Redis refuses is logged and dropped.
    func run(store: RoutingStore, logger: Logger) async {
        for await notice in notices {
            do {
                try await store.publish(notice)
            } catch {
                logger.warning("could not publish a web visitor notice: \(error)", metadata: ["kind": "\(notice.kind.rawValue)"])
            }
        }
    }
}
