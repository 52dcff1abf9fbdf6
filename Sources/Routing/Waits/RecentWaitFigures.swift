import Synchronization

/// Each queue's wait figures (`WaitEstimate`), read from Redis at most once per `freshFor` and
/// shared by every new chat and position update meanwhile. Reading them costs the queue's recent
/// answers (up to 1,000) and one presence per agent who could serve it (500 in the scale bench):
/// read for every new chat, that was a fifth of the router's CPU at 100 new chats a second, and
/// grew with both. A figure a second old is still an estimate ("about 3 minutes"); nothing is
/// decided by it, so another router's answer recorded meanwhile cannot make anything wrong.
final class RecentWaitFigures: Sendable {
    let freshFor: Duration
    private let read = Mutex<[String: (figures: WaitEstimate, at: ContinuousClock.Instant)]>([:])

    /// How long figures read are used: the welcome and position updates of the next second share them.
    static let freshness: Duration = .seconds(1)

    init(freshFor: Duration = RecentWaitFigures.freshness) {
        self.freshFor = freshFor
    }

    /// The queue's figures: kept ones younger than `freshFor`, else `load`'s (kept for the next).
    func figures(of queue: String, load: () async throws -> WaitEstimate) async throws -> WaitEstimate {
        let now = ContinuousClock.now
        if let kept = read.withLock({ $0[queue] }), now - kept.at < freshFor { return kept.figures }
        let figures = try await load()
        read.withLock { $0[queue] = (figures, now) }
        return figures
    }
}
