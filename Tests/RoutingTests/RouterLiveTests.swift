import Foundation
import Logging
import Redis
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import Workflow
import XMPP

/// The router end to end: real Prosody and Redis, our XMPP client as visitor and agent.
@Suite(.serialized) struct RouterLiveTests: LiveRouterSuite {
    static func salesRules(offerTimeout: Duration? = nil) -> (String) -> RoutingRules {
        { domain in
            RoutingRules(
                domain: domain,
                queues: [RoutingRules.Queue(
                    Queue(name: "sales", messages: .routerTexts),
                    plan: QueuePlan(queue: "sales", strategy: "longest-idle", offerTimeout: offerTimeout,
                                    candidates: [.init(jid: "alice@localhost", capacity: 2)]))],
                agents: [RoutingRules.Agent(jid: "alice@localhost", name: "Alice", capacity: 2)],
                canned: ["thanks": MessageTemplate(builtIn: "Thank you for waiting!")])
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func aVisitorIsQueuedAssignedAndChatsWithAnAgent(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: ["visitor1": "secret", "alice": "secret"], rules: Self.salesRules()) { prosody, store in
            let alice = try await Self.connect(prosody, "alice")
            defer { Task { await alice.close() } }
            try await Self.available(alice, domain: prosody.serviceDomain)
            let visitor = try await Self.connect(prosody, "visitor1")
            defer { Task { await visitor.close() } }
            let sales = try JID("sales@\(prosody.serviceDomain)")

            try await visitor.send(Message(to: sales, body: "Hi, my order is late"))
            let welcome = try await visitor.next("the welcome", Self.body)
            // Taken at once: no place in line right before "You are now chatting with" (issue 17).
            #expect(welcome.from == sales && welcome.body == "Welcome! An agent will be with you shortly.")

            let offer = try await alice.next("the new chat") { Self.body($0).flatMap { $0.body!.hasPrefix("New chat") ? $0 : nil } }
            #expect(offer.body?.contains("Hi, my order is late") == true, "the history comes with it")
            let chatAddress = try #require(offer.from)
            #expect(chatAddress.local?.hasPrefix("chat-") == true && chatAddress.domain == prosody.serviceDomain)

            let assigned = try await visitor.next("the agent's name", Self.body)
            #expect(assigned.body == "You are now chatting with Alice.")
            #expect(!assigned.element.description.contains("alice@"), "the agent's JID never reaches the visitor")

            try await alice.send(Message(to: chatAddress, body: "Hello! Let me check."))
            let reply = try await visitor.next("the agent's reply", Self.body)
            #expect(reply.body == "Hello! Let me check." && reply.from == sales)
            #expect(reply.element.child("nick", namespace: "http://jabber.org/protocol/nick")?.text == "Alice")

            var typing = Message(to: sales, body: nil)
            typing.chatState = .composing
            try await visitor.send(typing)
            let seen = try await alice.next("the visitor typing") { if case .message(let m) = $0, m.chatState == .composing { m } else { nil } }
            #expect(seen.from == chatAddress)

            try await visitor.send(Message(to: sales, body: "Thanks!"))
            let relayed = try await alice.next("the visitor's message", Self.body)
            #expect(relayed.body == "Thanks!" && relayed.from == chatAddress)

            try await alice.send(Message(to: chatAddress, body: "!canned thanks"))
            #expect(try await visitor.next("the canned reply", Self.body).body == "Thank you for waiting!")

            try await alice.send(Message(to: chatAddress, body: "/close"))
            #expect(try await visitor.next("the goodbye", Self.body).body == "This chat has ended. Thank you!")
            let chat = String(chatAddress.local!.dropFirst(5))
            #expect(try await store.chat(chat)?["state"] == "closed")
            #expect(try await store.transcript(chat).map(\.text) == [
                "Hi, my order is late", "Hello! Let me check.", "Thanks!", "Thank you for waiting!",
            ])
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func wrongAddressesAndStrangersGetClearErrors(_ server: XMPPServerKind) async throws {
        try await Self.withRouter(on: server, accounts: ["visitor1": "secret", "alice": "secret"], rules: Self.salesRules()) { prosody, _ in
            let visitor = try await Self.connect(prosody, "visitor1")
            defer { Task { await visitor.close() } }
            func error(_ to: String, _ body: String) async throws -> StanzaError? {
                try await visitor.send(Message(to: try JID(to), body: body))
                return try await visitor.next("an error from \(to)") { if case .message(let m) = $0 { m.error } else { nil } }
            }
            #expect(try await error("nosuch@\(prosody.serviceDomain)", "hello")?.condition == .itemNotFound)
            #expect(try await error("chat-1@\(prosody.serviceDomain)", "/accept")?.condition == .forbidden)
            #expect(try await error("sales@\(prosody.serviceDomain)", String(repeating: "x", count: 5000))?.condition == .policyViolation)
        }
    }

    @Test(arguments: XMPPServerKind.allCases) func manualOffersAreAcceptedOrExpireToTheNextAgent(_ server: XMPPServerKind) async throws {
        let rules: (String) -> RoutingRules = { domain in
            RoutingRules(
                domain: domain,
                queues: [RoutingRules.Queue(
                    Queue(name: "sales", messages: .routerTexts),
                    plan: QueuePlan(queue: "sales", strategy: "longest-idle", offerTimeout: .milliseconds(600), candidates: [
                        .init(jid: "alice@localhost", capacity: 1), .init(jid: "bob@localhost", capacity: 1),
                    ]))],
                agents: [RoutingRules.Agent(jid: "alice@localhost", name: "Alice", capacity: 1),
                         RoutingRules.Agent(jid: "bob@localhost", name: "Bob", capacity: 1)])
        }
        try await Self.withRouter(on: server, accounts: ["visitor1": "secret", "alice": "secret", "bob": "secret"], rules: rules) { prosody, store in
            let alice = try await Self.connect(prosody, "alice")
            defer { Task { await alice.close() } }
            let bob = try await Self.connect(prosody, "bob")
            defer { Task { await bob.close() } }
            try await Self.available(alice, domain: prosody.serviceDomain)
            try await Self.available(bob, domain: prosody.serviceDomain)
            let visitor = try await Self.connect(prosody, "visitor1")
            defer { Task { await visitor.close() } }
            try await visitor.send(Message(to: try JID("sales@\(prosody.serviceDomain)"), body: "anyone?"))

            // Neither was ever routed to: longest-idle takes the first candidate, Alice. She lets it
            // expire; it goes to Bob, who accepts.
            let offered = try await alice.next("the first offer") { Self.body($0).flatMap { $0.body!.contains("/accept") ? $0 : nil } }
            let chatAddress = try #require(offered.from)
            let expired = try await alice.next("the expiry notice") { Self.body($0).flatMap { $0.body!.contains("expired") ? $0 : nil } }
            #expect(expired.from == chatAddress)
            let offer = try await bob.next("the second offer") { Self.body($0).flatMap { $0.body!.contains("/accept") ? $0 : nil } }
            #expect(offer.from == chatAddress, "the same chat")
            try await bob.send(Message(to: chatAddress, body: "/accept"))
            #expect(try await bob.next("the acceptance", Self.body).body?.hasPrefix("Accepted") == true)
            #expect(try await visitor.next("the assignment") { Self.body($0).flatMap { $0.body!.hasPrefix("You are now") ? $0 : nil } } != nil)
            // Alice's late accept is refused.
            try await alice.send(Message(to: chatAddress, body: "/accept"))
            let refused = try await alice.next("the refusal") { if case .message(let m) = $0 { m.error } else { nil } }
            #expect(refused.condition == .forbidden)
            #expect(try await store.chat(String(chatAddress.local!.dropFirst(5)))?["state"] == "active")
            #expect(try await store.chat(String(chatAddress.local!.dropFirst(5)))?["agent"] == "bob@localhost")
        }
    }
}
