import Synchronization

/// Each queue's wait figures (`WaitEstimate`), read from Redis at most once per `freshFor` and
/// shared by every new chat and position update meanwhile, those that ask while the read is on
/// its way included. Reading them costs the queue's recent answers (up to 1,000) and one presence
/// per agent who could serve it (500 in the scale bench): read for every new chat, that was a
/// fifth of the router's CPU at 100 new chats a second, and grew with both. A figure a second old
/// is still an estimate ("about 3 minutes"); nothing is decided by it, so another router's answer
/// recorded meanwhile cannot make anything wrong.
final class RecentWaitFigures: Sendable {
    let freshFor: Duration
    private let reads = Mutex<[String: (figures: Task<WaitEstimate, any Error>, at: ContinuousClock.Instant)]>([:])

    /// How long figures read are used: the welcome and position updates of the next second share them.
    static let freshness: Duration = .seconds(1)

    init(freshFor: Duration = RecentWaitFigures.freshness) {
        self.freshFor = freshFor
    }

    /// The queue's figures: a read younger than `freshFor` (finished or not), else `load`'s, which
    /// the next callers share. A read that failed is not kept.
    func figures(of queue: String, load: @escaping @Sendable () async throws -> WaitEstimate) async throws -> WaitEstimate {
        let read = self.read(queue, load: load)
        do {
            return try await read.value
        } catch {
            reads.withLock { reads in if reads[queue]?.figures == read { reads[queue] = nil } }
            throw error
        }
    }

    /// Starts a read of the queue's figures unless one younger than `freshFor` is kept: a new
    /// chat's welcome, asked for later, then shares it instead of waiting for a read of its own.
    func refreshIfStale(_ queue: String, load: @escaping @Sendable () async throws -> WaitEstimate) {
        _ = read(queue, load: load)
    }

    private func read(_ queue: String, load: @escaping @Sendable () async throws -> WaitEstimate) -> Task<WaitEstimate, any Error> {
        reads.withLock { reads in
            let now = ContinuousClock.now
            if let kept = reads[queue], now - kept.at < freshFor { return kept.figures }
            let read = Task { try await load() }
            reads[queue] = (read, now)
            return read
        }
    }
}
