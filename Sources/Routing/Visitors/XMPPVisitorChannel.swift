import AgentProtocol
import XMPP

/// Visitors on XMPP: each notice is a message from the address the visitor wrote to, signed with the
/// agent's display name (XEP-0172) when an agent speaks; a notice without text is a chat state.
struct XMPPVisitorChannel: VisitorChannel {
    let component: XMPPComponent
    let ids: MessageIDs

    func carries(_ visitor: String) -> Bool { true }

    func tell(_ notice: VisitorNotice, queue: String, domain: String) {
        guard let to = try? JID(notice.visitor) else { return }
        let from: ChatAddress = queue.isEmpty ? .service : .queue(queue)
        var message = Message(to: to, from: from.jid(domain: domain), id: ids.next(), body: notice.text)
        message.chatState = notice.state.flatMap(ChatState.init(rawValue:))
        if let nick = notice.agent { message.element.append(Outbox.nick(nick)) }
        if let relay = notice.relay { Outbox.add(relay, to: &message) }
        component.send(message)
    }
}
