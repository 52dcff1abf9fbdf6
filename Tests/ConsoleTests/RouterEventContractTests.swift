import AgentProtocol
import Console
import Foundation
import Testing
import XMPP

/// The console decides on the router's `<event/>` elements and chat states, never on its wording.
@Suite struct RouterEventContractTests {
    let domain = "support.localhost"

    func notice(_ body: String, _ kind: AgentEvent.Kind?, state: ChatState? = nil) throws -> RouterEvent? {
        var message = Message(to: try JID("alice@localhost"), from: try JID("chat-5@\(domain)"), body: body)
        message.chatState = state
        if let kind { message.element.append(AgentEvent(kind, chat: "5").element) }
        return RouterEvent(.message(message), domain: domain)
    }

    @Test func eventsDecideAndTextIsOnlyShown() throws {
        #expect(try notice("Reworded: the offer is gone.", .offerExpired) == .offerExpired(chat: "5", text: "Reworded: the offer is gone."))
        #expect(try notice("Any words", .whisper) == .whisper(chat: "5", text: "Any words"))
        #expect(try notice("Window closed", .windowClosed, state: .gone) == .notice(chat: "5", text: "Window closed", ended: false))
        #expect(try notice("Left", .visitorLeft, state: .gone) == .notice(chat: "5", text: "Left", ended: true))
        // The old sentences without an element are plain notices.
        #expect(try notice("[whisper from Carol] hi", nil) == .notice(chat: "5", text: "[whisper from Carol] hi", ended: false))
        #expect(try notice("The offer expired; the chat goes to the next agent.", nil)
            == .notice(chat: "5", text: "The offer expired; the chat goes to the next agent.", ended: false))
    }

    @Test func theStatusElementGivesCapacityChatsAndPresence() {
        var state = ConsoleState(account: "alice@localhost")
        #expect(state.readStatus(AgentStatus(presence: "away", capacity: 4, chats: ["7"])) == "away")
        #expect(state.capacity == 4 && state.chats.map(\.id) == ["7"] && state.chats[0].state == .active)
    }

    @Test func anExpiredOfferClosesTheChatWithItsReason() throws {
        var state = ConsoleState(account: "alice@localhost")
        let offer = RouterEvent.Offer(chat: "5", queue: "sales", name: "Zoë", isOffered: true, waited: 3, timeout: 30, sla: 60)
        _ = state.apply(.offer(offer, history: []), at: Date())
        let (line, _) = state.apply(.offerExpired(chat: "5", text: "Too late."), at: Date())
        #expect(line == "closed chat=5: Too late.")
        #expect(state.chats[0].state == .closed("offer expired"))
    }
}
