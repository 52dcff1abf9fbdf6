import AgentProtocol
import CoreMetrics
import XMPP

/// Every stanza the router sends: words to visitors (through their channel), to agents from a
/// chat's address, from the service domain, receipts and error replies.
struct Outbox: Sendable {
    let component: XMPPComponent
    /// Asked in order; the XMPP channel, last, carries every visitor the others do not.
    let channels: [any VisitorChannel]

    init(component: XMPPComponent, channels: [any VisitorChannel]) {
        self.component = component
        self.channels = channels + [XMPPVisitorChannel(component: component)]
    }

    /// Words to a visitor, from the queue's address, signed with a display name (XEP-0172);
    /// a web visitor gets them as a notice of `kind` (words without text are a chat state).
    /// `relay`: what an agent's line carries beyond text (`Outbox+Relay`).
    func tellVisitor(_ visitor: String, queue: String, _ text: String?, nick: String? = nil, state: ChatState? = nil,
                     as kind: VisitorNotice.Kind = .notice, position: Int? = nil, relay: RelayDetail? = nil, rules: RoutingRules) {
        let notice = VisitorNotice(
            visitor: visitor, kind: text == nil ? .typing : kind, text: text, agent: nick, position: position, state: state?.rawValue,
            relay: relay)
        guard let channel = channels.first(where: { $0.carries(visitor) }) else { return }
        channel.tell(notice, queue: queue, domain: rules.domain)
    }

    /// A message to an agent, from the chat's own address; `detail` is machine-readable
    /// context for consoles (an offer's summary, the visitor's nick), `event` what a notice means.
    func tellAgent(_ agent: String, chat: String, _ text: String?, state: ChatState? = nil, detail: XMLElement? = nil,
                   event: AgentEvent.Kind? = nil, rules: RoutingRules) {
        guard let message = Self.toAgent(agent, chat: chat, text, state: state, detail: detail, event: event, rules: rules) else { return }
        component.send(message)
    }

    private static func toAgent(
        _ agent: String, chat: String, _ text: String?, state: ChatState?, detail: XMLElement?, event: AgentEvent.Kind?,
        rules: RoutingRules
    ) -> Message? {
        guard let to = try? JID(agent) else { return nil }
        var message = Message(to: to, from: ChatAddress.chat(chat).jid(domain: rules.domain), body: text)
        message.chatState = state
        if let detail { message.element.append(detail) }
        if let event { message.element.append(AgentEvent(event, chat: chat).element) }
        return message
    }

    /// A message to someone from the service domain itself, with what it means to consoles, if anything.
    func tellFromService(_ to: JID, _ text: String, detail: XMLElement? = nil, rules: RoutingRules) {
        var message = Message(to: to, from: ChatAddress.service.jid(domain: rules.domain), body: text)
        if let detail { message.element.append(detail) }
        component.send(message)
    }

    /// Sends an error reply to a stanza that asked for something (never to an error).
    func reply(to stanza: Stanza, _ error: StanzaError) {
        Counter(label: "switchboard_router_stanza_errors_total", dimensions: [("condition", error.condition.rawValue)]).increment()
        switch stanza {
        case .message(let message) where message.type != .error: component.send(message.errorReply(error))
        case .presence(let presence) where presence.type != .error: component.send(presence.errorReply(error))
        case .iq(let iq) where iq.type == .get || iq.type == .set: component.send(iq.errorReply(error))
        default: break
        }
    }

    /// Confirms a message is stored (XEP-0184) when its sender asked: a client that resends until
    /// confirmed, with the same id, loses nothing even when a router dies under it.
    func acknowledge(_ message: Message) {
        guard let id = message.id, message.element.child("request", namespace: Self.receipts) != nil,
            let sender = message.from
        else { return }
        var receipt = Message(to: sender, from: message.to, type: message.type)
        receipt.element.append(XMLElement("received", namespace: Self.receipts, attributes: [XMLAttribute("id", id)]))
        component.send(receipt)
    }

    static let receipts = "urn:xmpp:receipts"

    /// A display name (XEP-0172): on what a visitor wrote, so a console tells it from the router's notices.
    static func nick(_ name: String) -> XMLElement {
        .text("nick", namespace: "http://jabber.org/protocol/nick", name)
    }

    func send(_ stanza: some StanzaElement) { component.send(stanza) }
}
