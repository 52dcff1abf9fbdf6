import Synchronization

/// Counts each visitor's messages in a fixed window, so a flood is refused rather than queued.
/// In memory: it protects this router, not routing state. The web service counts connections
/// and messages per address and per session with it too.
public final class FloodLimiter: Sendable {
    private let limit: Int
    private let window: Duration
    private let counts = Mutex<[String: (start: ContinuousClock.Instant, count: Int)]>([:])

    public init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Counts one message; false when `visitor` is over the limit.
    public func allow(_ visitor: String, now: ContinuousClock.Instant = .now) -> Bool {
        counts.withLock { counts in
            if counts.count > 10_000 { counts = counts.filter { now - $0.value.start < window } }
            guard let entry = counts[visitor], now - entry.start < window else {
                counts[visitor] = (now, 1)
                return true
            }
            counts[visitor] = (entry.start, entry.count + 1)
            return entry.count < limit
        }
    }
}
