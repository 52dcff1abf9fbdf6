/// Exponential backoff with jitter for reconnecting links, so that many routers
/// (or one router and a restarting server) do not retry in lock-step.
public struct Backoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var initial: Duration
    /// No delay is longer than this.
    public var maximum: Duration
    public var multiplier: Double
    /// Each delay is drawn uniformly from `[delay × (1 − jitter), delay]`.
    public var jitter: Double

    public init(
        initial: Duration = .milliseconds(250), maximum: Duration = .seconds(30), multiplier: Double = 2,
        jitter: Double = 0.5
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before the next attempt after `failures` consecutive failures (1 or more).
    public func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> Duration {
        var ceiling = initial.seconds
        for _ in 1..<max(failures, 1) where ceiling < maximum.seconds { ceiling *= multiplier }
        ceiling = min(ceiling, maximum.seconds)
        let seconds = Double.random(in: ceiling * (1 - jitter)...ceiling, using: &random)
        return .nanoseconds(Int64(seconds * 1e9))
    }

    public func delay(afterFailures failures: Int) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, using: &random)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
