import Logging
import Synchronization
import Testing

@testable import Redis

/// When routing writes wait for replicas (`min_replicas_ack`). The clock is moved by hand: no test
/// here depends on how fast anything runs.
@Suite(.timeLimit(.minutes(1))) struct ReplicaAcknowledgementTests {
    /// A clock that moves only when told.
    final class HandClock: Sendable {
        let start = ContinuousClock.now
        private let elapsed = Mutex(Duration.zero)
        var now: ContinuousClock.Instant { start + elapsed.withLock { $0 } }
        func advance(_ duration: Duration) { elapsed.withLock { $0 += duration } }
    }

    private let clock = HandClock()
    private let connection = ObjectIdentifier(HandClock.self)
    private let logger = Logger(label: "replica-acknowledgement-tests")

    private func acknowledgement() throws -> ReplicaAcknowledgement {
        try Self.acknowledgement(timeout: .seconds(1), clock: clock)
    }

    /// One replica wanted, a 5 s pause, on `clock`.
    private static func acknowledgement(timeout: Duration, clock: HandClock) throws -> ReplicaAcknowledgement {
        let made = ReplicaAcknowledgement(replicas: 1, timeout: timeout, pause: .seconds(5), now: { clock.now })
        return try #require(made)
    }

    /// A write's `WAIT`, on a connection whose master had `replicas` replicas on connect.
    private func write(_ acknowledgement: ReplicaAcknowledgement, replicas: Int? = 1) -> ReplicaAcknowledgement.Wait? {
        acknowledgement.command(on: connection, replicasAtConnect: replicas, logger: logger)
    }

    /// Paused at connect (a newly promoted master without replicas), then the pause over.
    private func pausedAndOver() throws -> ReplicaAcknowledgement {
        let acknowledgement = try acknowledgement()
        #expect(write(acknowledgement, replicas: 0) == nil)
        clock.advance(.seconds(5))
        return acknowledgement
    }

    @Test func everyWriteWaitsWhileReplicasAcknowledge() throws {
        let acknowledgement = try acknowledgement()
        let first = try #require(write(acknowledgement))
        #expect(first.command.name == "WAIT")
        #expect(write(acknowledgement) != nil)
        #expect(acknowledgement.acknowledged(1, to: first, logger: logger))
        #expect(write(acknowledgement) != nil)
    }

    @Test func aMasterWithTooFewReplicasOnConnectPausesWaiting() throws {
        let acknowledgement = try acknowledgement()
        #expect(write(acknowledgement, replicas: 0) == nil)
        clock.advance(.seconds(4))
        #expect(write(acknowledgement, replicas: 0) == nil)
    }

    /// The fault run's stall: when the pause ended, every write sent before the first `WAIT`
    /// came back carried its own and each held the connection for its timeout. Now one write
    /// probes; the others go without a `WAIT` until its reply.
    @Test func afterAPauseOnlyOneWriteWaits() throws {
        let acknowledgement = try pausedAndOver()
        let probe = try #require(write(acknowledgement))
        #expect(probe.command.name == "WAIT")
        #expect(write(acknowledgement) == nil)
        #expect(write(acknowledgement) == nil)
    }

    /// The same on the real clock: a pause of zero is over as soon as it starts.
    @Test func afterAZeroPauseOneOfThreeWritesWaits() throws {
        let acknowledgement = try #require(ReplicaAcknowledgement(replicas: 1, timeout: .seconds(1), pause: .zero))
        let waits = (0..<3).map { _ in acknowledgement.command(on: connection, replicasAtConnect: 0, logger: logger) != nil }
        #expect(waits.filter { $0 }.count == 1)
    }

    @Test func anAcknowledgedProbeMakesEveryWriteWaitAgain() throws {
        let acknowledgement = try pausedAndOver()
        let probe = try #require(write(acknowledgement))
        #expect(write(acknowledgement) == nil)
        #expect(acknowledgement.acknowledged(1, to: probe, logger: logger))
        #expect(write(acknowledgement) != nil)
        #expect(write(acknowledgement) != nil)
    }

    @Test func aProbeTimedOutPausesAgainThenOneWriteProbes() throws {
        let acknowledgement = try pausedAndOver()
        let probe = try #require(write(acknowledgement))
        #expect(!acknowledgement.acknowledged(0, to: probe, logger: logger))
        #expect(write(acknowledgement) == nil)
        clock.advance(.seconds(4))
        #expect(write(acknowledgement) == nil)
        clock.advance(.seconds(1))
        #expect(write(acknowledgement) != nil)
        #expect(write(acknowledgement) == nil)
    }

    /// `WAIT`s sent while every write waited come back one after another once replicas stop
    /// answering: only the first pauses; the late ones neither extend the pause nor end a probe.
    @Test func lateRepliesOfWaitsSentBeforeAPauseChangeNothing() throws {
        let acknowledgement = try acknowledgement()
        let waits = (0..<3).compactMap { _ in write(acknowledgement) }
        #expect(waits.count == 3)
        #expect(!acknowledgement.acknowledged(0, to: waits[0], logger: logger))
        clock.advance(.seconds(1))
        #expect(!acknowledgement.acknowledged(0, to: waits[1], logger: logger))
        clock.advance(.seconds(4))
        let probe = try #require(write(acknowledgement))
        #expect(!acknowledgement.acknowledged(0, to: waits[2], logger: logger))
        #expect(write(acknowledgement) == nil)
        #expect(acknowledgement.acknowledged(1, to: probe, logger: logger))
        #expect(write(acknowledgement) != nil)
    }

    /// A probe whose connection was lost never answers: the next write probes again, rather than
    /// no write ever waiting again.
    @Test func aProbeLostWithItsConnectionIsSentAgain() throws {
        let acknowledgement = try pausedAndOver()
        #expect(write(acknowledgement) != nil)
        #expect(write(acknowledgement) == nil)
        acknowledgement.unanswered()
        #expect(write(acknowledgement) != nil)
        #expect(write(acknowledgement) == nil)
    }

    @Test func aProbeAnsweredWithAnErrorIsSentAgain() throws {
        let acknowledgement = try pausedAndOver()
        let probe = try #require(write(acknowledgement))
        #expect(!acknowledgement.acknowledged(nil, to: probe, logger: logger))
        #expect(write(acknowledgement) != nil)
        #expect(write(acknowledgement) == nil)
    }

    /// Through a real Redis without replicas (every `WAIT` times out): once the pause is over,
    /// twenty scripts sent at once carry one `WAIT` between them.
    @Test func scriptsSentTogetherAfterAPauseCarryOneWait() async throws {
        let acknowledgement = try Self.acknowledgement(timeout: .milliseconds(10), clock: clock)
        let script = RedisScript(name: "count", source: "return redis.call('INCR', KEYS[1])")
        try await withServerAndClient { _, client in
            // The first WAIT finds no replica and pauses waiting.
            try await client.evalScript(script, keys: ["writes"], acknowledgement: acknowledgement)
            #expect(try await Self.waits(on: client) == 1)
            try await client.evalScript(script, keys: ["writes"], acknowledgement: acknowledgement)
            #expect(try await Self.waits(on: client) == 1)
            clock.advance(.seconds(5))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await client.evalScript(script, keys: ["writes"], acknowledgement: acknowledgement) }
                }
                try await group.waitForAll()
            }
            #expect(try await client.send("GET", "writes").string == "22")
            #expect(try await Self.waits(on: client) == 2)
        }
    }

    /// How many `WAIT`s the server has run (`INFO commandstats`).
    private static func waits(on client: RedisClient) async throws -> Int {
        let info = try await client.send("INFO", "commandstats").string ?? ""
        guard let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_wait:") }),
            let calls = line.split(separator: ",").first?.split(separator: "=").last
        else { return 0 }
        return Int(calls) ?? 0
    }
}
