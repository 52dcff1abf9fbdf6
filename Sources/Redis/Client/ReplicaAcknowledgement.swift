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
/// connect (`ROLE`; sentinel URLs), as a newly promoted master has; then it is tried again.
public final class ReplicaAcknowledgement: Sendable {
    public let replicas: Int
    public let timeout: Duration
    public let pause: Duration
    private let state = Mutex(State())

    private struct State {
        var pausedUntil: ContinuousClock.Instant?
        /// The connection whose replicas on connect were last looked at.
        var connection: ObjectIdentifier?
    }

    public static let replicaRange = 0...16
    public static let timeoutRange = Duration.milliseconds(10)...Duration.seconds(10)

    /// Nil when `replicas` is 0 (nothing to wait for). Numbers beyond the ranges are clamped.
    public init?(replicas: Int, timeout: Duration = .seconds(1), pause: Duration = .seconds(5)) {
        guard replicas > 0 else { return nil }
        self.replicas = min(replicas, Self.replicaRange.upperBound)
        self.timeout = min(max(timeout, Self.timeoutRange.lowerBound), Self.timeoutRange.upperBound)
        self.pause = pause
    }

    /// The `WAIT` to send after a write on `connection`, or nil while waiting is paused.
    func command(on connection: ObjectIdentifier, replicasAtConnect: Int?, logger: Logger) -> RedisCommand? {
        let now = ContinuousClock.now
        let (wait, pausedNow) = state.withLock { state -> (Bool, Bool) in
            var pausedNow = false
            if state.connection != connection {
                state.connection = connection
                if let count = replicasAtConnect, count < replicas, state.pausedUntil.map({ now >= $0 }) ?? true {
                    pausedNow = state.pausedUntil == nil
                    state.pausedUntil = now + pause
                }
            }
            return (state.pausedUntil.map { now >= $0 } ?? true, pausedNow)
        }
        if pausedNow {
            logger.warning(
                "the Redis master has fewer replicas than min_replicas_ack: writes go on unconfirmed (a failover may lose them) until they acknowledge",
                metadata: ["replicas": "\(replicasAtConnect ?? 0)", "wanted": "\(replicas)", "retry_in": "\(pause)"])
        }
        return wait ? RedisCommand("WAIT", [String(replicas), String(Int(timeout.seconds * 1000))]) : nil
    }

    /// Notes how many replicas acknowledged; true if enough did.
    func acknowledged(_ count: Int, logger: Logger) -> Bool {
        let enough = count >= replicas
        let now = ContinuousClock.now
        let wasPaused = state.withLock { state in
            let was = state.pausedUntil != nil
            if enough {
                state.pausedUntil = nil
            } else if state.pausedUntil.map({ now >= $0 }) ?? true {
                state.pausedUntil = now + pause
            }
            return was
        }
        if !enough && !wasPaused {
            logger.warning(
                "replicas did not acknowledge a write in time: writes go on unconfirmed (a failover may lose them) until they do",
                metadata: ["acknowledged": "\(count)", "wanted": "\(replicas)", "retry_in": "\(pause)"])
        } else if enough && wasPaused {
            logger.notice("replicas acknowledge writes again", metadata: ["acknowledged": "\(count)"])
        }
        return enough
    }
}

extension RedisClient {
    /// `evalScript`, then, with `acknowledgement`, a `WAIT` for replicas in the same write: the
    /// reply returns once the script's writes reached them (or the wait timed out, logged).
    @discardableResult
    public func evalScript(
        _ script: RedisScript, keys: [String] = [], args: [String] = [], acknowledgement: ReplicaAcknowledgement?
    ) async throws(RedisError) -> RESPValue {
        guard let acknowledgement else { return try await evalScript(script, keys: keys, args: args) }
        if script.sha == nil { try await load(script) }
        let evalsha = RedisCommand("EVALSHA", [script.sha ?? "", String(keys.count)] + keys + args)
        let logger = logger
        let replies = try await pipeline { connection in
            let wait = acknowledgement.command(
                on: ObjectIdentifier(connection), replicasAtConnect: connection.replicasAtConnect.value, logger: logger)
            return [evalsha] + (wait.map { [$0] } ?? [])
        }
        if let message = replies[0].errorMessage {
            guard message.hasPrefix("NOSCRIPT") else { throw .server(message) }
            // Redis lost its scripts (a restart, a failover to a replica that never ran this one): load and run again.
            try await load(script)
            return try await evalScript(script, keys: keys, args: args, acknowledgement: acknowledgement)
        }
        if replies.count > 1 {
            if let message = replies[1].errorMessage { throw .server(message) }
            _ = acknowledgement.acknowledged(replies[1].int ?? 0, logger: logger)
        }
        return replies[0]
    }
}
