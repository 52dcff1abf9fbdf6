import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// History on a second device (issue 17, item 3): XEP-0313 (MAM) queries to the queue's
/// address from its visitor and to the chat's address from its agent, answered from the
/// transcript; notes only for the agent.
@Suite struct MessageArchiveTests: LiveRouterSuite {
    @Test func theVisitorAndTheAgentReadTheChatFromTheArchive() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1", "visitor2"]), rules: Self.workflow(StockClientTests.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let (chatAddress, _) = try await StockClientTests.acceptedChat(live, alice: alice, visitor: visitor)
            try await alice.send(Message(to: chatAddress, body: "How can I help?"))
            _ = try await visitor.message("Alice's line", startingWith: "How can I help?")
            try await alice.send(Message(to: chatAddress, body: "!note prefers email"))
            _ = try await alice.message("the note's confirmation", startingWith: "[router] Noted")

            let help = try live.address("help")
            let visitors = try await Self.archive(visitor, at: help, query: "v1")
            #expect(visitors.map(\.body) == ["Hello", "How can I help?"], "no notes for the visitor")
            #expect(visitors.first?.from?.bare == visitor.jid.bare && visitors.first?.to == help, "the visitor's own line, as sent")
            #expect(visitors.last?.from == help, "Alice's line, from the address the visitor wrote to")

            let agents = try await Self.archive(alice, at: chatAddress, query: "a1")
            #expect(agents.map(\.body) == ["Hello", "How can I help?", "[note] prefers email"])
            #expect(agents.first?.from == chatAddress && agents[1].from?.bare == alice.jid.bare)

            // Another visitor has no chat there: an empty, complete answer. Nobody else reads a chat's archive.
            let other = try await live.connect("visitor2")
            #expect(try await Self.archive(other, at: help, query: "o1").isEmpty)
            await #expect(throws: StanzaError.self) { _ = try await Self.archive(other, at: chatAddress, query: "o2") }
        }
    }

    /// Sends a MAM query; returns the archived messages, in order, once the `fin` came.
    static func archive(_ client: XMPPClient, at address: JID, query id: String) async throws -> [Message] {
        var query = XMLElement("query", namespace: "urn:xmpp:mam:2")
        query[attribute: "queryid"] = id
        let fin = try await client.request(IQ(type: .set, id: client.nextID(), to: address, payload: query), timeout: .seconds(30))
        let payload = try #require(fin.payload)
        #expect(payload.name == "fin" && payload[attribute: "complete"] == "true")
        let set = payload.child("set", namespace: "http://jabber.org/protocol/rsm")
        let count = Int(set?.child("count")?.text ?? "") ?? -1
        guard count > 0 else { return [] }
        let results = try await client.allMessages(until: "the archive") {
            $0.element.child("result", namespace: "urn:xmpp:mam:2")?[attribute: "id"] == set?.child("last")?.text
        }
        return results.compactMap { message -> Message? in
            guard let result = message.element.child("result", namespace: "urn:xmpp:mam:2"), result[attribute: "queryid"] == id,
                let forwarded = result.child("forwarded", namespace: "urn:xmpp:forward:0"),
                forwarded.child("delay", namespace: Namespace.delay)?[attribute: "stamp"] != nil,
                let original = forwarded.child("message", namespace: Namespace.client)
            else { return nil }
            return Message(original)
        }
    }
}
