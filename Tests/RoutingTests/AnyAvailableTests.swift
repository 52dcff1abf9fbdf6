import Redis
@testable import Routing
import Testing

/// A new chat no routing pass could place asks whether anyone who could serve its queue is
/// available: one script that stops at the first who is, not one presence read per agent (500
/// for each waiting chat in the scale bench).
@Suite struct AnyAvailableTests {
    @Test func theCheckStopsAtTheFirstAvailableAgent() async throws {
        try await withStore { store, redis in
            let agents = (1...50).map { "agent\($0)@localhost" }
            #expect(try await store.anyAvailable(agents) == false)
            #expect(try await store.anyAvailable([]) == false)
            try await store.available("agent3@localhost")
            #expect(try await store.anyAvailable(agents))
            try await store.setPresence(agent: "agent3@localhost", .away, grace: .seconds(60))
            #expect(try await store.anyAvailable(agents) == false, "away is not available")
            try await store.available("agent50@localhost")
            #expect(try await store.anyAvailable(agents))
        }
    }
}
