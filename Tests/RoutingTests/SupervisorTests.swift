import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import Workflow
import XMPP

/// Supervisors watch a chat and whisper to its agent; agents may not.
@Suite(.serialized) struct SupervisorTests {
    static let rules: @Sendable (String) -> RoutingRules = { domain in
        RoutingRules(
            domain: domain,
            queues: [RoutingRules.Queue(
                Queue(name: "sales", messages: .routerTexts),
                plan: QueuePlan(queue: "sales", strategy: "longest-idle", candidates: [.init(jid: "alice@localhost", capacity: 2)]))],
            agents: [RoutingRules.Agent(jid: "alice@localhost", name: "Alice", capacity: 2),
                     RoutingRules.Agent(jid: "carol@localhost", name: "Carol", capacity: 2, isSupervisor: true)])
    }

    static func text(_ client: XMPPClient, _ what: String, _ prefix: String) async throws -> Message {
        try await client.next(what) { RouterLiveTests.body($0).flatMap { $0.body!.hasPrefix(prefix) ? $0 : nil } }
    }

    @Test(arguments: XMPPServerKind.allCases) func aSupervisorMonitorsAChatAndWhispersToItsAgent(_ server: XMPPServerKind) async throws {
        let accounts = ["visitor1": "secret", "alice": "secret", "carol": "secret"]
        try await RouterLiveTests.withRouter(on: server, accounts: accounts, rules: Self.rules) { prosody, store in
            let alice = try await RouterLiveTests.connect(prosody, "alice")
            let carol = try await RouterLiveTests.connect(prosody, "carol")
            let visitor = try await RouterLiveTests.connect(prosody, "visitor1")
            try await withCleanup {
                let service = try JID(domain: prosody.serviceDomain)
                try await RouterLiveTests.available(alice, domain: prosody.serviceDomain)
                try await visitor.send(Message(to: try JID("sales@\(prosody.serviceDomain)"), body: "my parcel?"))
                let chatAddress = try #require(try await Self.text(alice, "the chat", "New chat").from)
                let chat = String(chatAddress.local!.dropFirst(5))

                // An agent may not monitor.
                try await alice.send(Message(to: service, body: "/monitor \(chat)"))
                #expect(try await Self.text(alice, "the refusal", "Only supervisors") != nil)

                try await carol.send(Message(to: service, body: "!monitor chat-\(chat)"))
                #expect(try await Self.text(carol, "the confirmation", "Monitoring chat-\(chat) (Alice)") != nil)
                #expect(try await Self.text(carol, "the history", "[visitor]").body!.contains("my parcel?"))

                try await visitor.send(Message(to: try JID("sales@\(prosody.serviceDomain)"), body: "it is late"))
                #expect(try await Self.text(carol, "the visitor's copy", "[visitor] it is late").from == chatAddress)
                try await alice.send(Message(to: chatAddress, body: "checking now"))
                #expect(try await Self.text(carol, "the agent's copy", "[Alice] checking now") != nil)

                try await carol.send(Message(to: service, body: "/whisper \(chat) offer a voucher"))
                let whisper = try await Self.text(alice, "the whisper", "[whisper from Carol]")
                #expect(whisper.body == "[whisper from Carol] offer a voucher" && whisper.from == chatAddress)
                #expect(try await store.transcript(chat).contains { $0.kind == .whisper && $0.text == "offer a voucher" })
                // The visitor never sees it: the first message about a voucher is the agent's reply.
                try await alice.send(Message(to: chatAddress, body: "here is a voucher"))
                let next = try await visitor.next("the next reply") { stanza -> String? in
                    guard let body = RouterLiveTests.body(stanza)?.body, body.contains("voucher") else { return nil }
                    return body
                }
                #expect(next == "here is a voucher")
            } cleanup: {
                for client in [alice, carol, visitor] { await client.close() }
            }
        }
    }
}
