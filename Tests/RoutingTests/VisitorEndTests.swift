import Redis
@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// A visitor's client sends `/end` again when no goodbye came (a fault). The fault run saw both
/// copies handled: the first closed the chat, the second, stalled in a router during a Redis
/// failover, closed the visitor's next chat as abandoned, its first line lost to any agent. An
/// end's message id is kept with the chat it closed (two minutes, as a line's), so a copy of it
/// ends no chat opened since.
@Suite struct VisitorEndTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - { name: sales, skills: [sales] }
        agents:
          - { jid: alice@localhost, name: Alice, skills: { sales: 5 } }
        """
    static let visitor = "visitor1@localhost"

    @Test(arguments: XMPPServerKind.allCases) func aLateCopyOfAnEndDoesNotEndTheNextChat(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: Self.accounts(["visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let sales = try live.address("sales")
            let visitor = try await live.connect("visitor1")
            try await HistoryCorrectionTests.stored(Message(to: sales, id: "c1-0", body: "First question"), by: visitor)
            try await visitor.send(Message(to: sales, id: "e1", body: "/end"))
            _ = try await visitor.message("the goodbye", startingWith: "This chat has ended")

            try await HistoryCorrectionTests.stored(Message(to: sales, id: "c2-0", body: "Second question"), by: visitor)
            let next = try #require(try await live.store.openChat(queue: "sales", visitor: Self.visitor)?.id)
            try await visitor.send(Message(to: sales, id: "e1", body: "/end"))
            // One sender's stanzas are handled in order: once this line is kept, the copy was handled.
            try await HistoryCorrectionTests.stored(Message(to: sales, id: "c2-1", body: "Still there?"), by: visitor)
            #expect(try await live.store.openChat(queue: "sales", visitor: Self.visitor)?.id == next, "the copy ended chat \(next)")
            #expect(try await live.store.transcript(next).map(\.text) == ["Second question", "Still there?"])
        }
    }

    /// The goodbye was lost (the XMPP server restarting), so the client sent the end again: it
    /// hears the goodbye, not that it has no chat.
    @Test func aCopyOfAnEndOnceTheChatClosedIsAnsweredWithTheGoodbyeAgain() async throws {
        try await Self.withRouter(accounts: Self.accounts(["visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let sales = try live.address("sales")
            let visitor = try await live.connect("visitor1")
            try await HistoryCorrectionTests.stored(Message(to: sales, id: "c1-0", body: "A question"), by: visitor)
            try await visitor.send(Message(to: sales, id: "e1", body: "/end"))
            _ = try await visitor.message("the goodbye", startingWith: "This chat has ended")
            try await visitor.send(Message(to: sales, id: "e1", body: "/end"))
            let answer = try await visitor.next("the answer to the copy") { stanza -> String? in
                guard case .message(let message) = stanza, let body = message.body,
                    ["This chat has ended", "You have no open chat"].contains(where: body.hasPrefix)
                else { return nil }
                return body
            }
            #expect(answer.hasPrefix("This chat has ended"), "answered: \(answer)")
            // An end with another id, or none, is answered as before.
            try await visitor.send(Message(to: sales, id: "e2", body: "/end"))
            _ = try await visitor.message("the answer to a new end", startingWith: "You have no open chat here.")
            try await visitor.send(Message(to: sales, body: "/end"))
            _ = try await visitor.message("the answer to an end without an id", startingWith: "You have no open chat here.")
        }
    }

    @Test func theCloseScriptRefusesACopyOfTheEndOfTheVisitorsLastChat() async throws {
        try await withStore { store, _ in
            let first = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "old", messageID: "m1")
            #expect(try await store.close(chat: first.chat, by: .visitor, endID: "e1") == .done("queued"))
            #expect(try await store.chatEnded(by: "e1", visitor: "v1") == first.chat)
            let next = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "new", messageID: "m2")
            #expect(try await store.close(chat: next.chat, by: .visitor, endID: "e1") == .refused("ended-already"))
            #expect(try await store.state(next.chat) == "queued")
            // Its own end closes it, and becomes the one whose copies are refused.
            #expect(try await store.close(chat: next.chat, by: .visitor, endID: "e2") == .done("queued"))
            #expect(try await store.chatEnded(by: "e2", visitor: "v1") == next.chat)
            #expect(try await store.chatEnded(by: "e1", visitor: "v1") == nil)
            #expect(try await store.chatEnded(by: nil, visitor: "v1") == nil)
        }
    }

    /// Without an id nothing tells a copy from a new end: as before, it closes the open chat.
    @Test func anEndWithoutAnIDClosesTheOpenChatAsBefore() async throws {
        try await withStore { store, _ in
            let first = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "old", messageID: "m1")
            #expect(try await store.close(chat: first.chat, by: .visitor) == .done("queued"))
            let next = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "new", messageID: "m2")
            #expect(try await store.close(chat: next.chat, by: .visitor) == .done("queued"))
            // An agent's close or a timer's carries no end id, whatever the visitor's last end was.
            let third = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "more", messageID: "m3")
            #expect(try await store.close(chat: third.chat, by: .visitor, endID: "e1") == .done("queued"))
            let fourth = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "again", messageID: "m4")
            #expect(try await store.close(chat: fourth.chat, by: .system) == .done("queued"))
        }
    }
}
