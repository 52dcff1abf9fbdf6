import Synchronization

/// How long closed chats are kept (the workflow's `retention`), shared by every copy of a
/// `RoutingStore` so a reload changes it for all of them.
final class Retention: Sendable {
    private let value: Mutex<Duration>

    init(_ value: Duration) { self.value = Mutex(value) }

    var current: Duration { value.withLock { $0 } }

    func replace(with value: Duration) { self.value.withLock { $0 = value } }
}
