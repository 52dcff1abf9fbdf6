/// How long and how often a hook's failing event is tried again: exponential backoff from
/// `firstDelay`, each wait at most `maxDelay`, until `retryFor` after the first failure, when a
/// last try is made and the event becomes a dead letter.
public struct RetryPolicy: Sendable, Hashable {
    public var retryFor: Duration
    public var firstDelay: Duration
    public var maxDelay: Duration

    public init(retryFor: Duration = .seconds(24 * 3600), firstDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(3600)) {
        self.retryFor = retryFor
        self.firstDelay = firstDelay
        self.maxDelay = max(maxDelay, firstDelay)
    }

    /// When to try again after `attempts` failures, the first at `firstFailure`; nil when the
    /// period is over and the event is given up.
    func nextTry(attempts: Int, firstFailure: Int64, now: Int64) -> Int64? {
        let deadline = firstFailure + retryFor.milliseconds
        guard now < deadline else { return nil }
        let doubling = min(max(attempts - 1, 0), 40)
        let wait = min(firstDelay.milliseconds << doubling, maxDelay.milliseconds)
        return min(now + max(wait, 1), deadline)
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
