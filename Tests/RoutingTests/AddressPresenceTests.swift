import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Presence of the router's own addresses (issue 17, item 5): Gajim and its like show an
/// address that never sends presence as offline, track presence per resource, and send no chat
/// states to an offline or unsubscribed contact.
@Suite struct AddressPresenceTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: help
            title: Help desk
            skills: [help]
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { help: 5 }
          - jid: bob@localhost
            name: Bob
            skills: { help: 5 }
        """

    static let nickNamespace = "http://jabber.org/protocol/nick"

    @Test func aQueueAnswersASubscriptionAndShowsItselfOnlineWithItsTitle() async throws {
        try await Self.withRouter(accounts: Self.accounts(["visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let visitor = try await live.connect("visitor1")
            let help = try live.address("help")
            // An "interested resource" (RFC 6121 §2.1.6): the server passes it `subscribed` too.
            _ = try await visitor.request(
                IQ(type: .get, id: visitor.nextID(), payload: XMLElement("query", namespace: Namespace.roster)))
            try await visitor.send(Presence(to: help, type: .subscribe))
            let seen = try await visitor.presences(until: "the queue online") { $0.type == .available && $0.from?.bare == help }
            #expect(seen.contains { $0.type == .subscribed && $0.from == help }, "\(seen)")
            #expect(seen.contains { $0.type == .subscribe && $0.from == help }, "asks back, so clients send chat states: \(seen)")
            let online = try #require(seen.last)
            #expect(online.from?.resource == "switchboard", "a resource: clients track presence per resource")
            #expect(online.element.child("nick", namespace: Self.nickNamespace)?.text == "Help desk")
        }
    }

    @Test func aChatsAddressIsOnlineForItsAgentWhileTheChatIsTheirs() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            try await visitor.send(Message(to: try live.address("help"), body: "Hello"))
            let before = try await alice.stanzas(until: "the offer") {
                if case .message(let m) = $0 { m.body?.hasPrefix("New chat") == true } else { false }
            }
            guard case .message(let offer) = before.last, let chatAddress = offer.from else {
                Issue.record("no offer")
                return
            }
            let online = before.compactMap { if case .presence(let p) = $0, p.from?.bare == chatAddress { p } else { nil } }
            #expect(online.count == 1 && online.first?.type == .available, "\(online)")
            #expect(online.first?.from?.resource == "switchboard")
            #expect(online.first?.element.child("nick", namespace: Self.nickNamespace)?.text == "visitor1", "named for the visitor")

            try await alice.send(Message(to: chatAddress, body: "!close"))
            let gone = try await alice.next("the chat's address offline") {
                if case .presence(let p) = $0, p.from?.bare == chatAddress { p } else { nil }
            }
            #expect(gone.type == .unavailable)
        }
    }

    @Test func statusTellsAnAgentTheRouterDoesNotSeeTheirPresence() async throws {
        try await Self.withRouter(accounts: Self.accounts(["bob"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let bob = try await live.connect("bob")  // presence to their own server only, none to the router
            try await bob.send(Message(to: try JID(domain: live.domain), body: "!status"))
            let status = try await bob.message("the status", startingWith: "You are offline")
            #expect(status.body?.contains("does not see your presence") == true, "\(status.body ?? "")")
            #expect(status.body?.contains("/sub allow \(live.domain)") == true)
        }
    }
}

extension XMPPClient {
    /// Every presence up to and including the first one `last` accepts.
    func presences(until what: String, _ last: @escaping @Sendable (Presence) -> Bool) async throws -> [Presence] {
        try await stanzas(until: what) { if case .presence(let p) = $0 { last(p) } else { false } }
            .compactMap { if case .presence(let p) = $0 { p } else { nil } }
    }

    /// Every stanza up to and including the first one `last` accepts.
    func stanzas(until what: String, _ last: @escaping @Sendable (Stanza) -> Bool) async throws -> [Stanza] {
        let stanzas = self.stanzas
        return try await within(.seconds(30), what) {
            var seen: [Stanza] = []
            for try await stanza in stanzas {
                seen.append(stanza)
                if last(stanza) { return seen }
            }
            throw TimedOut(what: "\(what) (the session ended)")
        }
    }
}
