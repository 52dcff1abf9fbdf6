import AgentProtocol
import Routing
import SwitchboardTesting
import Testing
import XMPP

/// What consoles act on travels as `<event xmlns='urn:switchboard:agent:0'/>` beside the
/// unchanged text; relayed chat lines carry none.
@Suite(.serialized) struct AgentEventTests {
    static func event(_ message: Message) -> AgentEvent? { AgentEvent(in: message.element) }

    @Test(arguments: XMPPServerKind.allCases) func noticesAndCommandResultsCarryTheirEvent(_ server: XMPPServerKind) async throws {
        let accounts = ["visitor1": "secret", "alice": "secret", "carol": "secret"]
        try await RouterLiveTests.withRouter(on: server, accounts: accounts, rules: SupervisorTests.rules) { prosody, store in
            let alice = try await RouterLiveTests.connect(prosody, "alice")
            let carol = try await RouterLiveTests.connect(prosody, "carol")
            let visitor = try await RouterLiveTests.connect(prosody, "visitor1")
            try await withCleanup {
                let service = try JID(domain: prosody.serviceDomain)
                let sales = try JID("sales@\(prosody.serviceDomain)")
                try await RouterLiveTests.available(alice, domain: prosody.serviceDomain)
                try await visitor.send(Message(to: sales, body: "hello"))
                let offer = try await SupervisorTests.text(alice, "the chat", "New chat")
                let chatAddress = try #require(offer.from)
                let chat = try #require(ChatAddress(chatAddress, domain: prosody.serviceDomain).flatMap { address -> String? in
                    if case .chat(let id) = address { id } else { nil }
                })
                #expect(OfferSummary(in: offer.element)?.chat == chat && Self.event(offer) == nil)
                let status = try await AdHocCommandTests.execute(alice, "status", at: service)
                #expect(AgentStatus(in: status) == AgentStatus(presence: "available", capacity: 2, chats: [chat]))

                // A relayed line: the nick, no event.
                try await visitor.send(Message(to: sales, body: "are you there?"))
                let line = try await SupervisorTests.text(alice, "the visitor's line", "are you there?")
                #expect(Self.event(line) == nil)

                let noted = try await AdHocCommandTests.execute(alice, "note", at: chatAddress, fields: ["text": "VIP"])
                #expect(noted.child("note")?.text == "Noted." && AgentEvent(in: noted) == AgentEvent(.noted, chat: chat))

                try await carol.send(Message(to: service, body: "/whisper \(chat) be kind"))
                let whisper = try await SupervisorTests.text(alice, "the whisper", "[whisper from Carol]")
                #expect(Self.event(whisper) == AgentEvent(.whisper, chat: chat))

                var gone = Message(to: sales)
                gone.chatState = .gone
                try await visitor.send(gone)
                let windowClosed = try await SupervisorTests.text(alice, "the window notice", "The visitor seems to have closed")
                #expect(windowClosed.chatState == .gone && Self.event(windowClosed) == AgentEvent(.windowClosed, chat: chat))
                #expect(Self.event(windowClosed)?.kind.endsChat == false)

                try await visitor.send(Message(to: sales, body: "/end"))
                let ended = try await SupervisorTests.text(alice, "the end notice", "The visitor ended the chat.")
                #expect(Self.event(ended) == AgentEvent(.closed, chat: chat))
                #expect(try await store.chat(chat)?["state"] == "closed")
            } cleanup: {
                for client in [alice, carol, visitor] { await client.close() }
            }
        }
    }
}
