import Logging
import Reconnect
import Synchronization

/// Writes that must reach replicas before anyone is told of them (`WAIT replicas timeout` after
/// each, in the same write), so what was acknowledged survives a Sentinel failover to one of them.
///
/// `WAIT` holds the whole pipelined connection until the replicas answer or its timeout passes,
/// so with too few replicas every write in flight would take a timeout, one after the other.
/// Instead, waiting is turned off for `pause` (writes go on unconfirmed, said once in the log)
/// when a `WAIT` comes back short, or when a new connection's master had too few replicas on
/// connect (`ROLE`; sentinel URLs), as a newly promoted master has. After the pause one write
/// alone carries a `WAIT` (a probe; the others go without) until its reply comes: acknowledged,
/// every write waits again; short, waiting pauses again (`ReplicaAcknowledgementStateMachine`).
public final class ReplicaAcknowledgement: Sendable {
    public let replicas: Int
    public let timeout: Duration
    public let pause: Duration
    private let state: Mutex<ReplicaAcknowledgementStateMachine>
    private let now: @Sendable () -> ContinuousClock.Instant

    /// The `WAIT` to send after one write, and the round of waiting it belongs to.
    struct Wait: Sendable {
        let command: RedisCommand
        let round: UInt64
    }

    public static let replicaRange = 0...16
    public static let timeoutRange = Duration.milliseconds(10)...Duration.seconds(10)

    /// Nil when `replicas` is 0 (nothing to wait for). Numbers beyond the ranges are clamped.
    public convenience init?(replicas: Int, timeout: Duration = .seconds(1), pause: Duration = .seconds(5)) {
        self.init(replicas: replicas, timeout: timeout, pause: pause, now: { ContinuousClock.now })
    }

    /// With the clock given (tests move it by hand).
    init?(replicas: Int, timeout: Duration, pause: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        guard replicas > 0 else { return nil }
        let replicas = min(replicas, Self.replicaRange.upperBound)
        self.replicas = replicas
        self.timeout = min(max(timeout, Self.timeoutRange.lowerBound), Self.timeoutRange.upperBound)
        self.pause = pause
        self.now = now
        self.state = Mutex(ReplicaAcknowledgementStateMachine(replicas: replicas, pause: pause))
    }

    /// The `WAIT` to send after a write on `connection`, or nil while waiting is paused or a probe
    /// is out.
    func command(on connection: ObjectIdentifier, replicasAtConnect: Int?, logger: Logger) -> Wait? {
        let now = self.now()
        let (round, pausedNow) = state.withLock { state in
            let pausedNow = state.connected(connection, replicasAtConnect: replicasAtConnect, now: now)
            return (state.nextWrite(now: now), pausedNow)
        }
        if pausedNow {
            logger.warning(
                "the Redis master has fewer replicas than min_replicas_ack: writes go on unconfirmed (a failover may lose them) until they acknowledge",
                metadata: ["replicas": "\(replicasAtConnect ?? 0)", "wanted": "\(replicas)", "retry_in": "\(pause)"])
        }
        return round.map { Wait(command: RedisCommand("WAIT", [String(replicas), String(Int(timeout.seconds * 1000))]), round: $0) }
    }

    /// Notes how many replicas acknowledged `wait` (nil: it got an error reply); true if enough did.
    @discardableResult
    func acknowledged(_ count: Int?, to wait: Wait, logger: Logger) -> Bool {
        let now = self.now()
        let change = state.withLock { $0.answered(round: wait.round, acknowledged: count, now: now) }
        switch change {
        case .paused:
            logger.warning(
                "replicas did not acknowledge a write in time: writes go on unconfirmed (a failover may lose them) until they do",
                metadata: ["acknowledged": "\(count ?? 0)", "wanted": "\(replicas)", "retry_in": "\(pause)"])
        case .resumed:
            logger.notice("replicas acknowledge writes again", metadata: ["acknowledged": "\(count ?? 0)"])
        case .none:
            break
        }
        return (count ?? 0) >= replicas
    }

    /// A write failed without replies: a probe in flight on its connection will not answer, so the
    /// next write probes again.
    func unanswered() {
        let now = self.now()
        state.withLock { $0.unanswered(now: now) }
    }
}

extension RedisClient {
    /// `evalScript`, then, with `acknowledgement`, a `WAIT` for replicas in the same write: the
    /// reply returns once the script's writes reached them (or the wait timed out, logged), unless
    /// waiting is paused or another write's `WAIT` is probing whether replicas answer again.
    @discardableResult
    public func evalScript(
        _ script: RedisScript, keys: [String] = [], args: [String] = [], acknowledgement: ReplicaAcknowledgement?
    ) async throws(RedisError) -> RESPValue {
        guard let acknowledgement else { return try await evalScript(script, keys: keys, args: args) }
        if script.sha == nil { try await load(script) }
        let evalsha = RedisCommand("EVALSHA", [script.sha ?? "", String(keys.count)] + keys + args)
        let logger = logger
        let sent: (replies: [RESPValue], extra: ReplicaAcknowledgement.Wait?)
        do throws(RedisError) {
            sent = try await pipeline { connection in
                let wait = acknowledgement.command(
                    on: ObjectIdentifier(connection), replicasAtConnect: connection.replicasAtConnect.value, logger: logger)
                return ([evalsha] + (wait.map { [$0.command] } ?? []), wait)
            }
        } catch {
            acknowledgement.unanswered()
            throw error
        }
        let replies = sent.replies
        // The WAIT's reply is noted before anything is thrown or retried: a probe's must never be lost.
        if let wait = sent.extra, replies.count > 1 {
            acknowledgement.acknowledged(replies[1].errorMessage == nil ? replies[1].int ?? 0 : nil, to: wait, logger: logger)
        }
        if let message = replies[0].errorMessage {
            guard message.hasPrefix("NOSCRIPT") else { throw .server(message) }
            // Redis lost its scripts (a restart, a failover to a replica that never ran this one): load and run again.
            try await load(script)
            return try await evalScript(script, keys: keys, args: args, acknowledgement: acknowledgement)
        }
        if replies.count > 1, let message = replies[1].errorMessage { throw .server(message) }
        return replies[0]
    }
}
