import AgentProtocol
import CoreMetrics
import XMPP

/// Every stanza the router sends: words to visitors (through their channel), to agents from a
/// chat's address, from the service domain, receipts and error replies.
struct Outbox: Sendable {
    let component: XMPPComponent
    /// Asked in order; the XMPP channel, last, carries every visitor the others do not.
    let channels: [any VisitorChannel]
    let ids: MessageIDs

    init(component: XMPPComponent, channels: [any VisitorChannel]) {
        let ids = MessageIDs()
        self.component = component
        self.ids = ids
        self.channels = channels + [XMPPVisitorChannel(component: component, ids: ids)]
    }

    /// Words to a visitor, from the address they wrote to (`address`: a queue's local part, empty
    /// for the service domain; `ChatRecord.address`), signed with a display name (XEP-0172); a
    /// web visitor gets them as a notice of `kind` (words without text are a chat state), with
    /// the wait estimate, the chat to rate or the offer to leave a message where they apply.
    /// `relay`: what an agent's line carries beyond text (`Outbox+Relay`).
    func tellVisitor(_ visitor: String, from address: String, _ text: String?, nick: String? = nil, state: ChatState? = nil,
                     as kind: VisitorNotice.Kind = .notice, position: Int? = nil, eta: Duration? = nil, rate: String? = nil,
                     leaveMessage: Bool = false, relay: RelayDetail? = nil, rules: RoutingRules) {
        let notice = VisitorNotice(
            visitor: visitor, kind: text == nil ? .typing : kind, text: text, agent: nick, position: position, state: state?.rawValue,
            eta: eta.map { Int($0.components.seconds) }, rate: rate, leaveMessage: leaveMessage ? true : nil, relay: relay)
        guard let channel = channels.first(where: { $0.carries(visitor) }) else { return }
        // An XMPP visitor's client shows the address online while their chat is open: some
        // (Gajim) send no chat states to an offline contact.
        if channel is XMPPVisitorChannel, kind == .queued || kind == .closed, let to = try? JID(visitor) {
            let from: ChatAddress = address.isEmpty ? .service : .queue(address)
            let title = rules.queue(address.isEmpty ? rules.defaultQueue : address)?.title
            present(from, to: to, type: kind == .queued ? .available : .unavailable, nick: title, rules: rules)
        }
        channel.tell(notice, queue: address, domain: rules.domain)
    }

    /// The resource the router's addresses show presence from: Gajim tracks presence per
    /// resource and shows an address whose presence has none as offline.
    static let resource = "switchboard"

    /// Presence from one of the router's addresses: available or unavailable from its resource,
    /// subscription stanzas from the bare address; with a display name (XEP-0172) if given.
    /// Available with a name also sends the name as a PEP event (`nickEvent`): Gajim, Conversations
    /// and Dino ignore a nick in presence and name a contact that is not in the roster from the
    /// last PEP nick they saw, so without it chats showed as "chat-2" and a queue as "sales".
    func present(_ address: ChatAddress, to: JID, type: Presence.Kind = .available, nick: String? = nil, rules: RoutingRules) {
        guard let bare = address.jid(domain: rules.domain) else { return }
        let fromResource = type == .available || type == .unavailable
        let from = fromResource ? (try? JID(local: bare.local, domain: bare.domain, resource: Self.resource)) ?? bare : bare
        var presence = Presence(to: to, from: from, type: type)
        if let nick, type != .unavailable { presence.element.append(Self.nick(nick)) }
        // XEP-0153: the avatar's hash in available presence is how clients learn there is one to fetch.
        if type == .available, case .queue(let name) = address, let avatar = rules.queue(name)?.configured.avatar {
            presence.element.append(VCard.update(photoHash: avatar.sha1))
        }
        component.send(presence)
        if let nick, type == .available {
            var event = Message(to: to, from: bare, type: .headline, id: ids.next())
            event.element.append(Self.nickEvent(nick))
            component.send(event)
        }
    }

    /// A XEP-0172 nick as published over PEP (XEP-0163): `<event><items node=nick><item id=current>`.
    static func nickEvent(_ name: String) -> XMLElement {
        let node = "http://jabber.org/protocol/nick"
        let pubsubEvent = "http://jabber.org/protocol/pubsub#event"
        let item = XMLElement("item", namespace: pubsubEvent, attributes: [XMLAttribute("id", "current")], children: [.element(nick(name))])
        let items = XMLElement("items", namespace: pubsubEvent, attributes: [XMLAttribute("node", node)], children: [.element(item)])
        return XMLElement("event", namespace: pubsubEvent, children: [.element(items)])
    }

    /// A message to an agent, from the chat's own address; `detail` is machine-readable
    /// context for consoles (an offer's summary, the visitor's nick), `event` what a notice means.
    /// The router's own words are marked (`RouterNotice.mark`): a plain client shows them in the chat's
    /// window like the visitor's, and "Noted." read as the visitor's. `asNotice: false` for what
    /// carries its own marks (offers, supervisors' copies of the lines, whispers).
    func tellAgent(_ agent: String, chat: String, _ text: String?, state: ChatState? = nil, detail: XMLElement? = nil,
                   event: AgentEvent.Kind? = nil, asNotice: Bool = true, rules: RoutingRules) {
        guard let message = agentMessage(agent, chat: chat, text, state: state, detail: detail, event: event, asNotice: asNotice, rules: rules)
        else { return }
        component.send(message)
    }

    /// As `tellAgent`, waiting for what the XMPP server did with it (`XMPPComponent.sendAcknowledged`):
    /// an offer that a dying router's link lost (ejabberd drops what it had not read from a dead
    /// connection) must be told again, so it counts as told only once the server took it.
    /// `id`: the message's id when it must be the same on every copy (a history told again).
    func tellAgentAcknowledged(_ agent: String, chat: String, _ text: String?, detail: XMLElement? = nil, asNotice: Bool = true,
                               id: String? = nil, rules: RoutingRules) async -> ServerHandling {
        guard let message = agentMessage(agent, chat: chat, text, detail: detail, asNotice: asNotice, id: id, rules: rules)
        else { return .routed }
        return await StanzaLanes.givingUpRoom { await component.sendAcknowledged([message.element]) }.first ?? .unknown
    }

    private func agentMessage(_ agent: String, chat: String, _ text: String?, state: ChatState? = nil, detail: XMLElement? = nil,
                              event: AgentEvent.Kind? = nil, asNotice: Bool, id: String? = nil, rules: RoutingRules) -> Message? {
        guard let to = try? JID(agent) else { return nil }
        let body = asNotice ? text.map { RouterNotice.mark + $0 } : text
        var message = Message(to: to, from: ChatAddress.chat(chat).jid(domain: rules.domain), id: id ?? ids.next(), body: body)
        message.chatState = state
        if let detail { message.element.append(detail) }
        if let event { message.element.append(AgentEvent(event, chat: chat).element) }
        return message
    }

    /// A message to someone from the service domain itself, with what it means to consoles, if anything.
    func tellFromService(_ to: JID, _ text: String, detail: XMLElement? = nil, rules: RoutingRules) {
        var message = Message(to: to, from: ChatAddress.service.jid(domain: rules.domain), id: ids.next(), body: text)
        if let detail { message.element.append(detail) }
        component.send(message)
    }

    /// Sends an error reply to a stanza that asked for something (never to an error).
    func reply(to stanza: Stanza, _ error: StanzaError) {
        Counter(label: "switchboard_router_stanza_errors_total", dimensions: [("condition", error.condition.rawValue)]).increment()
        switch stanza {
        case .message(let message) where message.type != .error:
            // The error names the message by its id; one sent without gets an id of its own.
            var reply = message.errorReply(error)
            if reply.id == nil { reply.id = ids.next() }
            component.send(reply)
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
        var receipt = Message(to: sender, from: message.to, type: message.type, id: ids.next())
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
