import Routing
import SwitchboardTesting
import Testing
import XMPP

/// The workflow's `redact` list on the web channel: the visitor's lines are redacted before the
/// transcript, the agent and the visitor's own replay see them; the agent's too; one notice per chat.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RedactionWebTests {
    static let workflow = """
        queues:
          - name: support
        agents:
          - jid: alice@localhost
            name: Alice
        redact: [card, iban, email, phone]
        """

    @Test func webVisitorsAndTheirAgentsAreRedacted() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow) { web in
            let alice = try await web.availableAgent("alice")
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                try await socket.next("session")
                try await socket.send(["type": "message", "id": "m1", "text": "card 4242-4242-4242-4242 please"])
                let line = try await socket.next("the visitor's own line") { $0.type == "message" && $0["text"]?.hasPrefix("card") == true }
                #expect(line["text"] == "card [card removed] please")
                let notice = try await socket.next("notice")
                #expect(notice["text"]?.contains("card numbers") == true)

                let offer = try await alice.message("the chat", startingWith: "New chat")
                let chatAddress = try #require(offer.from)
                let chat = String(try #require(chatAddress.local).dropFirst("chat-".count))
                #expect(offer.body!.hasSuffix("card [card removed] please"), "the history in the offer: \(offer.body!)")

                try await socket.send(["type": "message", "id": "m2", "text": "or DE89 3704 0044 0532 0130 00"])
                _ = try await alice.message("the second line", startingWith: "or [iban removed]")
                try await alice.send(Message(to: chatAddress, body: "Noted, write to billing@example.com"))
                let reply = try await socket.next("the agent's line") { $0["text"]?.hasPrefix("Noted") == true }
                #expect(reply["text"] == "Noted, write to [email removed]")
                #expect(!socket.inbox.pending.contains { $0.type == "notice" }, "one notice per chat: \(socket.inbox.pending)")

                let stored = try await web.store.transcript(chat).map(\.text)
                #expect(stored == ["card [card removed] please", "or [iban removed]", "Noted, write to [email removed]"])
            }
        }
    }
}
