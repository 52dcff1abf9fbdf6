@testable import Routing
import Testing
import Workflow

/// What agents type after `!transfer` (issue 17: `!transfer Bob` failed; only JIDs and queue names worked).
@Suite struct TransferRequestTests {
    static let rules = RoutingRules(
        domain: "support.localhost",
        queues: [RoutingRules.Queue(Queue(name: "billing", messages: .routerTexts), plan: QueuePlan(queue: "billing", strategy: "longest-idle", candidates: []))],
        agents: [
            RoutingRules.Agent(jid: "alice@localhost", name: "Alice", capacity: 2),
            RoutingRules.Agent(jid: "bob@localhost", name: "Bob Stone", capacity: 2),
            RoutingRules.Agent(jid: "sam@localhost", name: "Sam", capacity: 2),
            RoutingRules.Agent(jid: "sam2@localhost", name: "Sam", capacity: 2),
        ])

    static func parse(_ text: String) -> Result<TransferRequest, TransferRequest.Failure> {
        TransferRequest.parse(text, rules: rules, from: "alice@localhost")
    }

    @Test func targetsByQueueAddressOrDisplayNameWithTheRestAsANote() throws {
        #expect(try Self.parse("billing").get() == TransferRequest(target: .queue("billing"), named: "billing", note: ""))
        #expect(try Self.parse("bob@localhost please call back").get().target == .agent("bob@localhost"))
        #expect(try Self.parse("bob@localhost please call back").get().note == "please call back")
        let named = try? Self.parse("bob stone: refund pending, order 1234").get()
        #expect(named == TransferRequest(target: .agent("bob@localhost"), named: "bob stone", note: "refund pending, order 1234"))
    }

    @Test func aSharedOrUnknownNameIsNoTarget() {
        #expect(Self.parse("Sam thanks") == .failure(.ambiguous(["sam2@localhost", "sam@localhost"])))
        #expect(Self.parse("Robert") == .failure(.unknown))
        #expect(Self.parse("Alice") == .failure(.unknown), "not the agent transferring, by name")
    }
}
