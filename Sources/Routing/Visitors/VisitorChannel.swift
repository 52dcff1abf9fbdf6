import AgentProtocol
import XMPP

/// Where the router's words to a visitor go: an XMPP message, or a web visitor's socket. The
/// router asks its channels in turn whether one carries a visitor; XMPP carries the rest.
public protocol VisitorChannel: Sendable {
    /// Whether `visitor` (a bare JID, or another channel's id) is reached through this channel.
    func carries(_ visitor: String) -> Bool
    /// Passes `notice` on; `queue` in `domain` is the address the visitor wrote to (an XMPP reply comes from it).
    func tell(_ notice: VisitorNotice, queue: String, domain: String)
    /// What the channel runs while the router runs (until cancelled).
    func run() async
}

extension VisitorChannel {
    public func run() async {}
}

/// Visitors on XMPP: each notice is a message from the queue's address, signed with the
/// agent's display name (XEP-0172) when an agent speaks; a notice without text is a chat state.
struct XMPPVisitorChannel: VisitorChannel {
    let component: XMPPComponent

    func carries(_ visitor: String) -> Bool { true }

    func tell(_ notice: VisitorNotice, queue: String, domain: String) {
        guard let to = try? JID(notice.visitor) else { return }
        var message = Message(to: to, from: ChatAddress.queue(queue).jid(domain: domain), body: notice.text)
        message.chatState = notice.state.flatMap(ChatState.init(rawValue:))
        if let nick = notice.agent { message.element.append(Outbox.nick(nick)) }
        component.send(message)
    }
}
