@testable import Routing
import Synchronization
import Testing

/// The router's lanes: a sender's stanzas in order, senders side by side, never more in hand than the limit.
@Suite struct StanzaLanesTests {
    /// Records what ran and how many ran at once.
    final class Log: Sendable {
        let entries = Mutex<[String]>([])
        let running = Mutex((now: 0, most: 0))

        func run(_ entry: String, hold: Duration) async {
            running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            try? await Task.sleep(for: hold)
            entries.withLock { $0.append(entry) }
            running.withLock { $0.now -= 1 }
        }
    }

    @Test func aSendersStanzasKeepTheirOrderWhileSendersRunSideBySide() async throws {
        let lanes = StanzaLanes(limit: 16)
        let log = Log()
        for index in 0..<5 {
            for sender in ["a", "b", "c"] {
                // The first stanza of each sender is the slowest: a later one must still wait for it.
                await lanes.submit(sender) { await log.run("\(sender)\(index)", hold: .milliseconds(index == 0 ? 50 : 1)) }
            }
        }
        try await waitUntil { log.entries.withLock { $0.count } == 15 }
        let entries = log.entries.withLock { $0 }
        for sender in ["a", "b", "c"] {
            #expect(entries.filter { $0.hasPrefix(sender) } == (0..<5).map { "\(sender)\($0)" })
        }
        #expect(log.running.withLock { $0.most } > 1)
    }

    @Test func neverMoreInHandThanTheLimit() async throws {
        let lanes = StanzaLanes(limit: 3)
        let log = Log()
        for index in 0..<12 {
            await lanes.submit("sender\(index)") { await log.run("\(index)", hold: .milliseconds(5)) }
        }
        try await waitUntil { log.entries.withLock { $0.count } == 12 }
        #expect(log.running.withLock { $0.most } <= 3)
    }

    private func waitUntil(_ condition: @escaping @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        // Work in lanes runs detached from the submitter: look at the log until it is complete.
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
