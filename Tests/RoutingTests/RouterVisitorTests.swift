import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import Workflow
import XMPP

/// What a visitor hears when nobody can serve them, as the line moves, and when they leave.
@Suite(.serialized) struct RouterVisitorTests {
    static func rules(
        closeWithoutAgents: Bool = false, goneTimeout: Duration = .seconds(120), capacity: Int = 1,
        messages: QueueMessages = .routerTexts
    ) -> (String) -> RoutingRules
    {
        { domain in
            var settings = RoutingRules.Settings()
            settings.goneTimeout = goneTimeout
            settings.positionUpdateInterval = .milliseconds(1)
            return RoutingRules(
                domain: domain,
                queues: [RoutingRules.Queue(
                    Queue(name: "sales", messages: messages, whenNoAgents: closeWithoutAgents ? .close : .queue),
                    plan: QueuePlan(queue: "sales", strategy: "longest-idle", candidates: [.init(jid: "alice@localhost", capacity: capacity)]))],
                agents: [RoutingRules.Agent(jid: "alice@localhost", name: "Alice", capacity: capacity)],
                settings: settings)
        }
    }

    static func texts(_ client: XMPPClient, _ what: String, until last: @escaping @Sendable (String) -> Bool) async throws -> [String] {
        var seen: [String] = []
        while true {
            let text = try await client.next(what) { RouterLiveTests.body($0)?.body }
            seen.append(text)
            if last(text) { return seen }
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func withNobodyToServeTheVisitorIsToldAndTheChatClosesIfTheQueueSaysSo(_ server: XMPPServerKind) async throws {
        try await RouterLiveTests.withRouter(on: server, accounts: ["visitor1": "secret"], rules: Self.rules(closeWithoutAgents: true)) { prosody, store in
            let visitor = try await RouterLiveTests.connect(prosody, "visitor1")
            try await withCleanup {
                try await visitor.send(Message(to: try JID("sales@\(prosody.serviceDomain)"), body: "hello?"))
                let texts = try await Self.texts(visitor, "the no-agents notice") { $0.hasPrefix("No agent") }
                #expect(texts.count == 2, "the welcome, then the notice: \(texts)")
                #expect(try await store.openChat(queue: "sales", visitor: "visitor1@localhost")?.id == nil)
                #expect(try await store.chat("1")?["state"] == "closed", "the first chat of a fresh Redis")
                #expect(try await store.chat("1")?["abandoned"] == "1")
            } cleanup: {
                await visitor.close()
            }
        }
    }

    /// Issue 17: "You are number 1 in line" came right before "You are now chatting with Alice".
    @Test func aChatTakenAtOnceHearsNoPlaceInLine() async throws {
        try await RouterLiveTests.withRouter(accounts: ["visitor1": "secret", "alice": "secret"], rules: Self.rules()) { prosody, _ in
            let alice = try await RouterLiveTests.connect(prosody, "alice")
            let visitor = try await RouterLiveTests.connect(prosody, "visitor1")
            try await withCleanup {
                try await RouterLiveTests.available(alice, domain: prosody.serviceDomain)
                try await visitor.send(Message(to: try JID("sales@\(prosody.serviceDomain)"), body: "hi"))
                let texts = try await Self.texts(visitor, "the agent") { $0.hasPrefix("You are now chatting") }
                #expect(texts == ["Welcome! An agent will be with you shortly.", "You are now chatting with Alice."])
            } cleanup: {
                for client in [alice, visitor] { await client.close() }
            }
        }
    }

    /// Issue 17: "Sorry, no agent is available" for a chat that stays in line and is answered
    /// later. The built-in text says what happens: the visitor keeps their place.
    @Test func aChatThatStaysQueuedIsToldItKeepsItsPlace() async throws {
        try await RouterLiveTests.withRouter(accounts: ["visitor1": "secret", "alice": "secret"], rules: Self.rules(messages: QueueMessages())) {
            prosody, _ in
            let visitor = try await RouterLiveTests.connect(prosody, "visitor1")
            let alice = try await RouterLiveTests.connect(prosody, "alice")
            try await withCleanup {
                try await visitor.send(Message(to: try JID("sales@\(prosody.serviceDomain)"), body: "anyone?"))
                let texts = try await Self.texts(visitor, "the no-agents notice") { $0.hasPrefix("No agent") }
                #expect(texts.count == 2 && texts[0].contains("number 1 in line"), "\(texts)")
                #expect(texts[1].contains("keep your place in line") && !texts[1].contains("Sorry"), "\(texts)")
                try await RouterLiveTests.available(alice, domain: prosody.serviceDomain)
                _ = try await Self.texts(visitor, "the agent, later") { $0.hasPrefix("You are now chatting") }
            } cleanup: {
                for client in [alice, visitor] { await client.close() }
            }
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func waitingVisitorsHearTheirNewPlaceAsTheLineMoves(_ server: XMPPServerKind) async throws {
        let accounts = ["visitor1": "secret", "visitor2": "secret", "visitor3": "secret", "alice": "secret"]
        try await RouterLiveTests.withRouter(on: server, accounts: accounts, rules: Self.rules()) { prosody, store in
            let alice = try await RouterLiveTests.connect(prosody, "alice")
            var visitors: [XMPPClient] = []
            for name in ["visitor1", "visitor2", "visitor3"] { visitors.append(try await RouterLiveTests.connect(prosody, name)) }
            try await withCleanup {
                try await RouterLiveTests.available(alice, domain: prosody.serviceDomain)
                let sales = try JID("sales@\(prosody.serviceDomain)")
                try await visitors[0].send(Message(to: sales, body: "one"))
                _ = try await Self.texts(visitors[0], "the first visitor's agent") { $0.hasPrefix("You are now chatting") }
                // Alice has room for one: the others wait, first and second in line.
                for (index, visitor) in visitors.dropFirst().enumerated() {
                    try await visitor.send(Message(to: sales, body: "waiting"))
                    let welcome = try await visitor.next("a welcome") { RouterLiveTests.body($0)?.body }
                    #expect(welcome.contains("number \(index + 1) in line"), "\(welcome)")
                }
                // Alice closes the first chat: the second visitor is served, the third moves up.
                let offer = try await alice.next("the first chat") { RouterLiveTests.body($0).flatMap { $0.body!.hasPrefix("New chat") ? $0 : nil } }
                try await alice.send(Message(to: offer.from!, body: "/close"))
                _ = try await Self.texts(visitors[1], "the second visitor's agent") { $0.hasPrefix("You are now chatting") }
                let update = try await visitors[2].next("the third visitor's update") { RouterLiveTests.body($0)?.body }
                #expect(update.hasPrefix("You are number 1 in line"), "\(update)")
                #expect(try await store.waiting("sales").count == 1)
            } cleanup: {
                for client in [alice] + visitors { await client.close() }
            }
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func aVisitorWhoseClientSaysGoneIsClosedAfterTheTimeoutUnlessTheyWriteAgain(_ server: XMPPServerKind) async throws {
        let rules = Self.rules(goneTimeout: .milliseconds(600), capacity: 2)
        try await RouterLiveTests.withRouter(on: server, accounts: ["visitor1": "secret", "visitor2": "secret", "alice": "secret"], rules: rules) {
            prosody, store in
            let alice = try await RouterLiveTests.connect(prosody, "alice")
            let leaving = try await RouterLiveTests.connect(prosody, "visitor1")
            let staying = try await RouterLiveTests.connect(prosody, "visitor2")
            try await withCleanup {
                try await RouterLiveTests.available(alice, domain: prosody.serviceDomain)
                let sales = try JID("sales@\(prosody.serviceDomain)")
                var gone = Message(to: sales, body: nil)
                gone.chatState = .gone
                for visitor in [leaving, staying] {
                    try await visitor.send(Message(to: sales, body: "hi"))
                    _ = try await Self.texts(visitor, "an agent") { $0.hasPrefix("You are now chatting") }
                    try await visitor.send(gone)
                }
                // One comes back before the timeout; the other does not.
                try await staying.send(Message(to: sales, body: "still here"))
                let closed = try await Self.texts(leaving, "the close") { $0.hasPrefix("This chat has ended") }
                #expect(!closed.isEmpty)
                let notice = try await alice.next("the agent's notice") {
                    RouterLiveTests.body($0).flatMap { $0.body!.hasPrefix("The visitor left") ? $0 : nil }
                }
                let chat = String(notice.from!.local!.dropFirst(5))
                #expect(try await store.chat(chat)?["closed_by"] == "timeout")
                let other = try #require(try await store.openChat(queue: "sales", visitor: "visitor2@localhost")?.id)
                #expect(try await store.chat(other)?["state"] == "active", "the visitor who wrote again keeps the chat")
            } cleanup: {
                for client in [alice, leaving, staying] { await client.close() }
            }
        }
    }
}
