import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Overflow steps on a live router: after its delay, a waiting chat stops insisting on a skill,
/// or moves to another queue, and an agent who could not serve it before gets it.
@Suite struct OverflowLiveTests: LiveRouterSuite {
    /// Only Ben is online, and he has neither german nor returns: Uwe, who has both, never comes.
    static let yaml = """
        queues:
          - name: orders
            skills: [orders, german]
            overflow:
              - after: 300ms
                drop_skill: german
          - name: returns
            skills: [returns]
            overflow:
              - after: 300ms
                move_to: general
          - name: general
            skills: []
        agents:
          - jid: ben@localhost
            name: Ben
            skills: { orders: 6, english: 9 }
            max_chats: 2
          - jid: uwe@localhost
            name: Uwe
            skills: { orders: 9, german: 10, returns: 5 }
        """

    @Test(arguments: XMPPServerKind.allCases) func aDroppedSkillLetsAnAgentWithoutItTakeTheChat(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["ben", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let ben = try await live.agent("ben")
            let visitor = try await live.connect("visitor1")
            let orders = try live.address("orders")
            try await visitor.send(Message(to: orders, body: "Wo bleibt meine Bestellung?"))
            _ = try await visitor.message("the welcome", startingWith: "Welcome")

            let offer = try await ben.offer("the chat, once german is dropped")
            #expect(offer.body?.contains("in orders") == true && offer.body?.contains("Wo bleibt meine Bestellung?") == true)
            let chat = try #require(offer.from?.chatID)
            let assigned = try await visitor.message("the assignment", startingWith: "You are now chatting")
            #expect(assigned.body == "You are now chatting with Ben." && assigned.from == orders)

            let events = try await live.events().filter { $0["chat"] == chat }
            #expect(events.map { $0["type"] } == ["queued", "visitor_message", "overflow", "assigned"])
            let overflow = try #require(events.first { $0["type"] == "overflow" })
            #expect(overflow["action"] == "drop" && overflow["step"] == "1" && overflow["queue"] == "orders")
            #expect(try Self.millisecondsBetween(events, "queued", "assigned") >= 300, "not before the step's delay")
            let fields = try #require(try await live.store.chat(chat))
            #expect(fields["queue"] == "orders" && fields["agent"] == "ben@localhost" && fields["state"] == "active")
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func aMoveStepHandsTheChatToTheOtherQueue(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["ben", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let ben = try await live.agent("ben")
            let visitor = try await live.connect("visitor1")
            try await visitor.send(Message(to: try live.address("returns"), body: "I want to send it back"))
            _ = try await visitor.message("the welcome", startingWith: "Welcome")

            let offer = try await ben.offer("the chat, once in general")
            #expect(offer.body?.contains("in general") == true && offer.body?.contains("I want to send it back") == true)
            let chatAddress = try #require(offer.from)
            let chat = try #require(chatAddress.chatID)
            let returns = try live.address("returns")
            let assigned = try await visitor.message("the assignment", startingWith: "You are now chatting")
            #expect(assigned.from == returns, "replies keep the address the visitor wrote to, moves included (issue 17)")

            let events = try await live.events().filter { $0["chat"] == chat }
            #expect(events.map { $0["type"] } == ["queued", "visitor_message", "overflow", "assigned"])
            let overflow = try #require(events.first { $0["type"] == "overflow" })
            #expect(overflow["action"] == "move" && overflow["from"] == "returns" && overflow["queue"] == "general")
            #expect(events.last?["queue"] == "general")
            #expect(try Self.millisecondsBetween(events, "queued", "assigned") >= 300, "not before the step's delay")
            #expect(try await live.store.chat(chat)?["queue"] == "general")
            #expect(try await live.store.openChat(queue: "general", visitor: "visitor1@localhost")?.id == chat)

            // Replying to the address they hear from, the visitor reaches Ben in the same chat.
            try await visitor.send(Message(to: returns, body: "Hello Ben"))
            let relayed = try await ben.message("the visitor's line", startingWith: "Hello Ben")
            #expect(relayed.from == chatAddress)
        }
    }

    /// Milliseconds, by the events' Redis clock, from the first event of type `from` to the first of type `to`.
    static func millisecondsBetween(_ events: [[String: String]], _ from: String, _ to: String) throws -> Int {
        let start = try #require(events.first { $0["type"] == from }?["ts"].flatMap { Int($0) })
        let end = try #require(events.first { $0["type"] == to }?["ts"].flatMap { Int($0) })
        return end - start
    }
}
