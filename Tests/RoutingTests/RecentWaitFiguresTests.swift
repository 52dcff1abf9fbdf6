@testable import Routing
import Synchronization
import Testing

/// A queue's wait figures are read at most once per `freshFor` (a fifth of the router's CPU went
/// to reading them for every new chat at 100 new chats a second with 500 agents).
@Suite struct RecentWaitFiguresTests {
    static let figures = WaitEstimate(answers: [.init(wait: .seconds(60), agent: "ben")], agentsAble: 1)

    @Test func figuresReadWithinTheirFreshnessAreSharedPerQueue() async throws {
        let recent = RecentWaitFigures(freshFor: .seconds(3600))
        let reads = Atomic<Int>(0)
        let load: @Sendable () async throws -> WaitEstimate = {
            reads.add(1, ordering: .relaxed)
            return Self.figures
        }
        #expect(try await recent.figures(of: "sales", load: load) == Self.figures)
        #expect(try await recent.figures(of: "sales", load: load) == Self.figures)
        #expect(reads.load(ordering: .relaxed) == 1)
        _ = try await recent.figures(of: "support", load: load)
        #expect(reads.load(ordering: .relaxed) == 2, "each queue has figures of its own")
    }

    @Test func staleFiguresAreReadAgain() async throws {
        let recent = RecentWaitFigures(freshFor: .zero)
        let reads = Atomic<Int>(0)
        for _ in 1...3 {
            _ = try await recent.figures(of: "sales") {
                reads.add(1, ordering: .relaxed)
                return Self.figures
            }
        }
        #expect(reads.load(ordering: .relaxed) == 3)
    }

    /// Callers that ask while the read is on its way wait for it rather than read again: at 100
    /// new chats a second the figures expired with hundreds of chats in hand, and each read them.
    @Test func callersAskingDuringAReadShareIt() async throws {
        let recent = RecentWaitFigures(freshFor: .seconds(3600))
        let reads = Atomic<Int>(0)
        let (startedReads, started) = AsyncStream.makeStream(of: Void.self)
        let gate = AsyncStream.makeStream(of: Void.self)
        let load: @Sendable () async throws -> WaitEstimate = {
            reads.add(1, ordering: .relaxed)
            started.yield()
            for await _ in gate.stream { break }  // held until every caller has asked
            return Self.figures
        }
        try await withThrowingTaskGroup(of: WaitEstimate.self) { group in
            group.addTask { try await recent.figures(of: "sales", load: load) }
            var waiting = startedReads.makeAsyncIterator()
            _ = await waiting.next()  // the first read is on its way
            for _ in 1...9 { group.addTask { try await recent.figures(of: "sales", load: load) } }
            for _ in 1...50 { await Task.yield() }
            gate.continuation.finish()
            for try await figures in group { #expect(figures == Self.figures) }
        }
        #expect(reads.load(ordering: .relaxed) == 1)
    }
}
