@testable import Routing
import Synchronization
import SwitchboardTesting
import Testing

/// The router's lanes: a sender's stanzas in order, senders side by side, never more in hand than the limit.
@Suite struct StanzaLanesTests {
    /// Records what ran and how many ran at once, and tells when `expected` entries have run.
    final class Log: Sendable {
        let entries = Mutex<[String]>([])
        let running = Mutex((now: 0, most: 0))
        let expected: Int
        private let complete: AsyncStream<Void>
        private let completion: AsyncStream<Void>.Continuation

        init(expecting expected: Int) {
            self.expected = expected
            (complete, completion) = AsyncStream.makeStream()
        }

        /// `hold` stands for the work a stanza takes.
        func run(_ entry: String, hold: Duration) async {
            running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            try? await Task.sleep(for: hold)
            let count = entries.withLock { $0.append(entry); return $0.count }
            running.withLock { $0.now -= 1 }
            if count == expected { completion.finish() }
        }

        /// Returns once every expected entry has run (work in lanes runs detached from the submitter).
        func completed() async throws {
            let complete = self.complete
            try await within(.seconds(20), "\(expected) entries to run") { for await _ in complete {} }
        }
    }

    @Test func aSendersStanzasKeepTheirOrderWhileSendersRunSideBySide() async throws {
        let lanes = StanzaLanes(limit: 16)
        let log = Log(expecting: 15)
        for index in 0..<5 {
            for sender in ["a", "b", "c"] {
                // The first stanza of each sender is the slowest: a later one must still wait for it.
                await lanes.submit(sender) { await log.run("\(sender)\(index)", hold: .milliseconds(index == 0 ? 50 : 1)) }
            }
        }
        try await log.completed()
        let entries = log.entries.withLock { $0 }
        for sender in ["a", "b", "c"] {
            #expect(entries.filter { $0.hasPrefix(sender) } == (0..<5).map { "\(sender)\($0)" })
        }
        #expect(log.running.withLock { $0.most } > 1)
    }

    @Test func neverMoreInHandThanTheLimit() async throws {
        let lanes = StanzaLanes(limit: 3)
        let log = Log(expecting: 12)
        for index in 0..<12 {
            await lanes.submit("sender\(index)") { await log.run("\(index)", hold: .milliseconds(5)) }
        }
        try await log.completed()
        #expect(log.running.withLock { $0.most } <= 3)
    }
}
