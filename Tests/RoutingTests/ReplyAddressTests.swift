import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Replies come from the address the visitor wrote to, for the whole chat: a client keeps one
/// conversation per address, so a reply from another one (the queue's instead of the service
/// domain, the new queue's after a transfer) opens a second window (issue 17, item 1).
@Suite struct ReplyAddressTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: support
            skills: [support]
          - name: sales
            skills: [sales]
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { support: 5 }
          - jid: bob@localhost
            name: Bob
            skills: { sales: 5 }
        """

    @Test func aVisitorWhoWroteToTheServiceDomainHearsEverythingFromItThroughATransfer() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "bob", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let bob = try await live.agent("bob")
            let visitor = try await live.connect("visitor1")
            let service = try JID(domain: live.domain)
            try await visitor.send(Message(to: service, body: "Hello, anyone?"))
            let chatAddress = try #require(try await alice.offer("the chat in support").from)
            let chat = try #require(chatAddress.chatID)
            #expect(try await live.store.chat(chat)?["address"] == "", "the service domain, kept on the chat")

            var heard = try await visitor.messages(until: "Alice's assignment") { $0.body?.hasPrefix("You are now") == true }
            try await alice.send(Message(to: chatAddress, body: "Alice here."))
            heard.append(try await visitor.message("Alice's line", startingWith: "Alice here"))

            try await alice.send(Message(to: chatAddress, body: "!transfer sales"))
            _ = try await alice.message("the confirmation", startingWith: "Transferred")
            _ = try await bob.offer("the chat in sales")
            heard += try await visitor.messages(until: "Bob's assignment") { $0.body == "You are now chatting with Bob." }
            try await bob.send(Message(to: chatAddress, body: "Bob from sales."))
            heard.append(try await visitor.message("Bob's line", startingWith: "Bob from sales"))
            try await visitor.send(Message(to: service, body: "Still me"))
            _ = try await bob.message("the visitor's line, in the same chat", startingWith: "Still me")
            try await bob.send(Message(to: chatAddress, body: "!close"))
            heard.append(try await visitor.next("the goodbye") { stanza in
                if case .message(let m) = stanza, m.body != nil, m.body?.hasPrefix("Bob from") == false { m } else { nil }
            })

            #expect(heard.count >= 6)
            for message in heard { #expect(message.from == service, "“\(message.body ?? "")” came from \(message.from?.description ?? "?")") }
        }
    }
}
