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
        let load: () async throws -> WaitEstimate = {
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
}
