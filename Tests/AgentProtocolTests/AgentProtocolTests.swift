import AgentProtocol
import Testing
import XMPP

/// The router and consoles read chat addresses and events through one definition.
@Suite struct AgentProtocolTests {
    @Test func addressesOfTheServiceDomain() throws {
        let domain = "support.localhost"
        #expect(ChatAddress(try JID("chat-42@support.localhost"), domain: domain) == .chat("42"))
        #expect(ChatAddress(try JID("sales@support.localhost"), domain: domain) == .queue("sales"))
        #expect(ChatAddress(try JID("support.localhost"), domain: domain) == .service)
        #expect(ChatAddress(try JID("chat-42@evil.example"), domain: domain) == nil)
        #expect(ChatAddress.chat("42").jid(domain: domain)?.description == "chat-42@support.localhost")
        #expect(ChatAddress.service.jid(domain: domain)?.description == "support.localhost")
        for typed in ["42", "chat-42", "chat-42@support.localhost"] { #expect(ChatAddress.chatID(typed: typed) == "42") }
        #expect(ChatAddress.name(ofChat: "7") == "chat-7" && ChatAddress.isChatName("chat-7") && !ChatAddress.isChatName("sales"))
    }

    @Test func eventsRoundTripAndUnknownKindsAreIgnored() {
        for kind in AgentEvent.Kind.allCases {
            let event = AgentEvent(kind, chat: "9")
            #expect(AgentEvent(event.element) == event)
            var message = XMLElement("message", namespace: Namespace.client)
            message.append(.text("body", namespace: Namespace.client, "Closed."))
            message.append(event.element)
            #expect(AgentEvent(in: message) == event)
        }
        let element = AgentEvent(.closed, chat: "9").element
        #expect(element.namespace == "urn:switchboard:agent:0" && element[attribute: "kind"] == "closed")
        let future = XMLElement("event", namespace: AgentEvent.namespace, attributes: [XMLAttribute("kind", "later"), XMLAttribute("chat", "1")])
        #expect(AgentEvent(future) == nil)
        #expect(AgentEvent.Kind.offerExpired.endsChat && !AgentEvent.Kind.windowClosed.endsChat && !AgentEvent.Kind.whisper.endsChat)
    }

    @Test func agentStatusRoundTrip() {
        let status = AgentStatus(presence: "available", capacity: 3, chats: ["5", "12"])
        var command = XMLElement("command", namespace: Namespace.commands)
        command.append(status.element)
        #expect(AgentStatus(in: command) == status)
        #expect(AgentStatus(in: XMLElement("command", namespace: Namespace.commands)) == nil)
    }

    @Test func offerSummaryRoundTrip() {
        let offer = OfferSummary(chat: "5", queue: "sales", name: "Zoë", isOffered: true, waited: 3, timeout: 30, sla: 60)
        var message = XMLElement("message", namespace: Namespace.client)
        message.append(offer.element)
        #expect(OfferSummary(in: message) == offer)
        #expect(offer.element[attribute: "state"] == "offered" && offer.element.namespace == "urn:switchboard:offer")
    }
}
