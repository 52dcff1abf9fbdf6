@testable import Bench
import Synchronization
import Testing

/// A fault-run visitor's `/end` under a long outage: ejabberd was down ~25 s in a run, and the
/// visitor gave up after three ends 10 s apart ("chat 1343 was not closed after three ends").
/// Every attempt carries the same id (`end-CHAT`), which the router applies once, so the
/// visitor may end again until the chat is closed.
@Suite struct FaultVisitorTests {
    /// Its first `failing` ends are lost; the next one is answered (`end:CHAT` settled).
    final class OutageChannel: FaultVisitorChannel {
        let failing: Int
        let confirmations: Confirmations
        let ends = Mutex<[Int]>([])
        var isWeb: Bool { false }

        init(failing: Int, confirmations: Confirmations) {
            self.failing = failing
            self.confirmations = confirmations
        }

        func open(chat: Int) async throws {}
        func send(id: String, body: String) async throws {}
        func close() async {}

        func end(chat: Int) async throws {
            let attempt = ends.withLock { $0.append(chat); return $0.count }
            guard attempt > failing else { throw BenchError.setup("ejabberd is down") }
            await confirmations.settle("end:\(chat)")
        }
    }

    @Test func anEndRetriesThroughALongOutage() async {
        let confirmations = Confirmations(), ledger = FaultLedger(capacity: 1)
        let channel = OutageChannel(failing: 4, confirmations: confirmations)
        let visitor = FaultVisitor(index: 7, channel: channel, confirmations: confirmations, ledger: ledger, endRetry: .milliseconds(10))
        await visitor.end(1343, stop: .now + .seconds(3600))
        #expect(channel.ends.withLock { $0 } == [1343, 1343, 1343, 1343, 1343])
        #expect(await confirmations.isSettled("end:1343"))
        #expect(ledger.snapshot.errors.isEmpty)
    }

    @Test func anEndStopsAtTheRunsStop() async {
        let confirmations = Confirmations(), ledger = FaultLedger(capacity: 1)
        let channel = OutageChannel(failing: .max, confirmations: confirmations)
        let visitor = FaultVisitor(index: 7, channel: channel, confirmations: confirmations, ledger: ledger, endRetry: .milliseconds(10))
        // A stop already passed: nothing is sent, and nothing counts as an error.
        await visitor.end(1, stop: .now)
        #expect(channel.ends.withLock { $0 }.isEmpty)
        #expect(ledger.snapshot.errors.isEmpty)
    }
}
