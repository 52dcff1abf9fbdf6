import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Agents' presence on a live router: only an available agent gets chats; an agent who leaves
/// keeps their chats for the grace period, then they go to someone else with their history.
@Suite struct AgentPresenceTests: LiveRouterSuite {
    /// `later` is a clock for the tests: its chats overflow `grace` after they arrive, an event
    /// the test can wait for. Nora, the only one with its skill, never comes.
    static func yaml(grace: String) -> String {
        """
        limits:
          offline_grace: \(grace)
        queues:
          - name: sales
            skills: [sales]
          - name: later
            skills: [night]
            overflow:
              - after: \(grace)
                drop_skill: night
        agents:
          - jid: alice@localhost
            name: Alice
            skills: { sales: 5 }
            max_chats: 2
          - jid: bob@localhost
            name: Bob
            skills: { sales: 5 }
            max_chats: 2
          - jid: nora@localhost
            skills: { night: 5 }
        """
    }

    static let users = ["alice", "bob", "visitor1", "visitor2", "visitor3"]

    /// Each show on Prosody, one on ejabberd: how a show is read does not depend on the server.
    @Test(arguments: [(XMPPServerKind.prosody, Presence.Show.dnd), (.prosody, .away), (.prosody, .xa), (.ejabberd, .away)])
    func anAgentNotAvailableGetsNoNewChatsUntilBack(_ server: XMPPServerKind, _ show: Presence.Show) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(Self.users), rules: Self.workflow(Self.yaml(grace: "60s"))) { (live: LiveRouter) in
            let service = try JID(domain: live.domain)
            let alice = try await live.agent("alice")
            try await alice.send(Presence(to: service, show: show))
            try await alice.send(Message(to: service, body: "/status"))
            #expect(try await alice.message("the status", startingWith: "You are").body == "You are \(show.rawValue) with 0 of 2 chats.")

            let visitor = try await live.connect("visitor1")
            try await visitor.send(Message(to: try live.address("sales"), body: "Is anyone there?"))
            _ = try await visitor.message("the welcome", startingWith: "Welcome")
            // The router handles stanzas in order: this answer comes after the routing pass the visitor caused.
            try await alice.send(Message(to: service, body: "/status"))
            let seen = try await alice.messages(until: "the status") { $0.body!.hasPrefix("You are") }
            #expect(seen.map(\.body) == ["You are \(show.rawValue) with 0 of 2 chats."], "no offer while \(show.rawValue)")
            let chat = try #require(try await live.store.openChat(queue: "sales", visitor: "visitor1@localhost")?.id)
            #expect(try await live.store.chat(chat)?["state"] == "queued")

            try await alice.send(Presence(to: service))
            let offer = try await alice.offer("the chat, once available")
            #expect(offer.from?.chatID == chat && offer.body?.contains("Is anyone there?") == true)
            #expect(try await visitor.message("the assignment", startingWith: "You are now").body == "You are now chatting with Alice.")
            let events = try await live.events()
            let back = try #require(events.lastIndex { $0["type"] == "presence" && $0["presence"] == "available" })
            #expect(events.firstIndex { $0["type"] == "assigned" }.map { $0 > back } == true, "given only after coming back")
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func anAgentWhoLeavesLosesTheirChatsAfterTheGracePeriodWithHistory(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(Self.users), rules: Self.workflow(Self.yaml(grace: "400ms"))) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let bob = try await live.connect("bob")
            let (first, second) = try await Self.twoChats(of: alice, live)

            try await Self.available(bob, domain: live.domain)
            await alice.close()
            let left = try await live.event("Alice offline") { $0["agent"] == "alice@localhost" && $0["presence"] == "offline" }

            // Both come to Bob, each with everything said so far.
            let offers = [try await bob.offer("the first chat back"), try await bob.offer("the second chat back")]
            let byChat = Dictionary(uniqueKeysWithValues: offers.compactMap { offer in offer.from?.chatID.map { ($0, offer.body ?? "") } })
            #expect(Set(byChat.keys) == [first.chat, second.chat])
            for chat in [first, second] {
                let offer = byChat[chat.chat] ?? ""
                for line in chat.lines { #expect(offer.contains(line), "chat \(chat.chat)'s offer has “\(line)”") }
            }
            for visitor in [first.visitor, second.visitor] {
                #expect(try await visitor.message("the new agent", startingWith: "You are now").body == "You are now chatting with Bob.")
            }

            let requeued = try await live.events().filter { $0["type"] == "requeued" }
            #expect(Set(requeued.map { $0["chat"] }) == [first.chat, second.chat] && requeued.allSatisfy { $0["agent"] == "alice@localhost" })
            for event in requeued {
                #expect(Int(event["ts"]!)! - Int(left["ts"]!)! >= 400, "not before the grace period ends")
            }
            for chat in [first.chat, second.chat] {
                let fields = try await live.store.chat(chat)
                #expect(fields?["agent"] == "bob@localhost" && fields?["state"] == "active")
            }
            #expect(try await live.store.agentStatus("alice@localhost").chats.isEmpty)
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func anAgentBackWithinTheGracePeriodKeepsTheirChats(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(Self.users), rules: Self.workflow(Self.yaml(grace: "15s"))) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let (first, second) = try await Self.twoChats(of: alice, live)
            _ = try await live.agent("bob")  // with room for both, if they were put back

            await alice.close()
            _ = try await live.event("Alice offline") { $0["agent"] == "alice@localhost" && $0["presence"] == "offline" }
            // The clock: a chat whose overflow step is due a whole grace period from now, so later
            // than Alice's grace period ends. Timers fire in the order they are due.
            let clock = try await live.connect("visitor3")
            try await clock.send(Message(to: try live.address("later"), body: "tick"))
            _ = try await clock.message("the clock's welcome", startingWith: "Welcome")

            let back = try await live.connect("alice")
            let service = try JID(domain: live.domain)
            try await back.send(Presence(to: service))
            try await back.send(Message(to: service, body: "/status"))
            let status = try await back.message("Alice's status", startingWith: "You are")
            #expect(status.body == "You are available with 2 of 2 chats: chat-\(first.chat), chat-\(second.chat).")

            _ = try await live.event("the clock's overflow step") { $0["type"] == "overflow" }
            #expect(try await live.events().filter { $0["type"] == "requeued" }.isEmpty)
            for chat in [first.chat, second.chat] {
                let fields = try await live.store.chat(chat)
                #expect(fields?["agent"] == "alice@localhost" && fields?["state"] == "active")
            }
            #expect(try await live.store.agentStatus("bob@localhost").chats.count <= 1, "at most the clock's chat")

            // And she carries on where she was.
            try await back.send(Message(to: try live.address("chat-\(first.chat)"), body: "Sorry, my connection dropped."))
            #expect(try await first.visitor.message("Alice's line", startingWith: "Sorry").body == "Sorry, my connection dropped.")
        }
    }

    /// A chat of `visitor` held by `agent`, and what was said in it.
    struct HeldChat {
        let chat: String
        let visitor: XMPPClient
        let lines: [String]
    }

    /// Two visitors each get `agent` and exchange a few lines with them.
    static func twoChats(of agent: XMPPClient, _ live: LiveRouter) async throws -> (HeldChat, HeldChat) {
        var chats: [HeldChat] = []
        for (user, question) in [("visitor1", "My parcel is lost"), ("visitor2", "My invoice is wrong")] {
            let visitor = try await live.connect(user)
            let sales = try live.address("sales")
            try await visitor.send(Message(to: sales, body: question))
            let offer = try await agent.offer("\(user)'s chat")
            let address = try #require(offer.from)
            try await agent.send(Message(to: address, body: "Let me look into it, \(user)."))
            _ = try await visitor.message("the agent's line", startingWith: "Let me look")
            try await visitor.send(Message(to: sales, body: "Thanks, it is number \(chats.count + 100)."))
            _ = try await agent.message("the visitor's answer", startingWith: "Thanks")
            chats.append(HeldChat(
                chat: try #require(address.chatID), visitor: visitor,
                lines: [question, "Let me look into it, \(user).", "Thanks, it is number \(chats.count + 100)."]))
        }
        return (chats[0], chats[1])
    }
}
