/// Which routing writes wait for replicas (`ReplicaAcknowledgement`), as a value: every step is
/// given the time, so it is decided without a clock.
///
/// `WAIT` holds the whole pipelined connection until it returns, so while replicas do not answer
/// each `WAIT` on the connection costs its full timeout, one after the other. When they stop
/// answering, waiting pauses; when the pause ends, ONE write carries a `WAIT` (the probe) and the
/// others go without one until its reply says whether to wait again or pause again. (Before,
/// every write after the pause carried its own `WAIT` until the first reply came back: after a
/// failover each write then cost a second while the new replica synced.)
struct ReplicaAcknowledgementStateMachine {
    enum Mode: Equatable {
        /// Every write waits.
        case waiting
        /// No write waits until then.
        case paused(until: ContinuousClock.Instant)
        /// One write's `WAIT` is out to see whether replicas acknowledge again; no other write waits.
        case probing
    }

    /// What a reply changed, for the log.
    enum Change: Equatable {
        case none
        /// Replicas stopped acknowledging: writes go on unconfirmed.
        case paused
        /// The probe was acknowledged: every write waits again.
        case resumed
    }

    private(set) var mode = Mode.waiting
    /// Counts mode changes. A `WAIT` is sent with the round it belongs to, and only a reply of the
    /// current round changes the mode: the late replies of `WAIT`s sent before a pause (queued
    /// behind each other on the connection) neither end the pause nor extend it.
    private(set) var round: UInt64 = 0
    /// The connection whose replicas on connect were last looked at.
    private var connection: ObjectIdentifier?

    let replicas: Int
    let pause: Duration

    init(replicas: Int, pause: Duration) {
        self.replicas = replicas
        self.pause = pause
    }

    /// A write is about to go on `connection`, whose master had `replicasAtConnect` replicas when
    /// it was connected (nil: not known). A master with too few (newly promoted) pauses waiting
    /// at once, without a `WAIT` timing out first. True if that turned waiting off.
    mutating func connected(_ connection: ObjectIdentifier, replicasAtConnect: Int?, now: ContinuousClock.Instant) -> Bool {
        guard self.connection != connection else { return false }
        self.connection = connection
        guard let count = replicasAtConnect, count < replicas else { return false }
        switch mode {
        case .paused(let until) where now < until:
            return false
        case .waiting:
            enterPause(now)
            return true
        case .paused, .probing:
            enterPause(now)
            return false
        }
    }

    /// The round of the `WAIT` to send after the next write, or nil for none.
    mutating func nextWrite(now: ContinuousClock.Instant) -> UInt64? {
        switch mode {
        case .waiting:
            return round
        case .paused(let until) where now >= until:
            mode = .probing
            round &+= 1
            return round
        case .paused, .probing:
            return nil
        }
    }

    /// A `WAIT` of `round` returned `acknowledged` replicas, or nil when it got no answer (an
    /// error reply).
    mutating func answered(round: UInt64, acknowledged: Int?, now: ContinuousClock.Instant) -> Change {
        guard round == self.round else { return .none }
        switch (mode, acknowledged) {
        case (.waiting, let count?) where count < replicas:
            enterPause(now)
            return .paused
        case (.probing, let count?) where count >= replicas:
            mode = .waiting
            self.round &+= 1
            return .resumed
        case (.probing, _?):
            enterPause(now)
            return .none
        case (.probing, nil):
            probeAgain(now)
            return .none
        case (.waiting, _), (.paused, _):
            return .none
        }
    }

    /// A write failed without replies (the connection was lost or never came): any `WAIT` in
    /// flight on that connection, the probe among them, will not answer.
    mutating func unanswered(now: ContinuousClock.Instant) {
        if mode == .probing { probeAgain(now) }
    }

    private mutating func enterPause(_ now: ContinuousClock.Instant) {
        mode = .paused(until: now + pause)
        round &+= 1
    }

    /// The pause is over already: the next write is the new probe.
    private mutating func probeAgain(_ now: ContinuousClock.Instant) {
        mode = .paused(until: now)
        round &+= 1
    }
}
