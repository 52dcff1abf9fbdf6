import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// The workflow's `redact` list on the XMPP channel, through Prosody, Redis and the router: what
/// visitors and agents write is redacted before it is stored or passed on, and the visitor is
/// told once per chat.
@Suite struct RedactionLiveTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: sales
        agents:
          - jid: alice@localhost
            name: Alice
        canned:
          bank: "Our IBAN is GB29 NWBK 6016 1331 9268 19."
        redact:
          - card
          - iban
          - email
          - phone
          - label: ticket password
            pattern: 'TP-[0-9]{6}'
        """

    static let notice = "For your safety"

    @Test func bothSidesAreRedactedBeforeTheyAreStoredOrPassedOn() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            let sales = try live.address("sales")
            try await visitor.send(Message(to: sales, body: "My card is 4111 1111 1111 1111, order 12345678 of 2026-12-05"))
            // The offer carries the history: the line as stored.
            let offer = try await alice.offer("the chat")
            let chatAddress = try #require(offer.from)
            let chat = try #require(chatAddress.chatID)
            #expect(offer.body!.hasSuffix("My card is [card removed], order 12345678 of 2026-12-05"), "\(offer.body!)")
            #expect(!offer.body!.contains("4111"))

            try await visitor.send(Message(to: sales, body: "mail jane.doe@example.com, password TP-123456"))
            let second = try await alice.messages(until: "the second line") { $0.body!.hasPrefix("mail") }
            #expect(second.last?.body == "mail [email removed], password [ticket password removed]")

            try await alice.send(Message(to: chatAddress, body: "Call us on +44 20 7946 0958 at 14:30"))
            try await alice.send(Message(to: chatAddress, body: "/canned bank"))
            try await alice.send(Message(to: chatAddress, body: "done"))
            let seen = try await visitor.messages(until: "the agent's last line") { $0.body == "done" }.compactMap(\.body)
            #expect(seen.filter { $0.hasPrefix(Self.notice) }.count == 1, "told once per chat: \(seen)")
            #expect(seen.contains { $0.hasPrefix(Self.notice) && $0.contains("card numbers") })
            #expect(seen.contains("Call us on [phone removed] at 14:30"))
            #expect(seen.contains("Our IBAN is [iban removed]."))

            let stored = try await live.store.transcript(chat).map(\.text)
            #expect(stored == [
                "My card is [card removed], order 12345678 of 2026-12-05", "mail [email removed], password [ticket password removed]",
                "Call us on [phone removed] at 14:30", "Our IBAN is [iban removed].", "done",
            ])
            let entries = try await live.redis.send("XRANGE", live.store.keys.events, "-", "+").description
            for secret in ["4111 1111", "jane.doe", "TP-123456", "7946 0958", "NWBK"] {  // with the spaces: ids and times in the stream hold digits like "4111"
                #expect(!entries.contains(secret), "the event stream holds no \(secret)")
            }
        }
    }
}
