import AgentProtocol
import Logging
import Synchronization
import XMPP

/// The floor the router is measured against: an external component that relays each visitor's
/// messages to a fixed agent (chosen by a hash of the visitor's address) and the agent's answers
/// back, with no Redis, no routing, no transcript. Visitors write to any address of the domain;
/// agents answer `chat-VISITOR@DOMAIN`, which names the visitor `VISITOR@USERDOMAIN`. It confirms
/// what a sender asks to have confirmed (XEP-0184), as the router does, so the two carry the same
/// receipts; and, like the router, gives every message it sends an id.
public final class FloorComponent: Sendable {
    let component: XMPPComponent
    let agents: [JID]
    let userDomain: String
    let logger: Logger
    private let sent = Atomic<Int>(0)
    private let idPrefix = "fl" + String(UInt64.random(in: 0..<(1 << 48)), radix: 36) + "-"

    public init(component: XMPPComponent, agents: [JID], userDomain: String, logger: Logger) {
        precondition(!agents.isEmpty, "the floor component needs an agent")
        self.component = component
        self.agents = agents
        self.userDomain = userDomain
        self.logger = logger
    }

    public func run() async {
        await component.run { [self] event in
            switch event {
            case .connected: logger.notice("floor ready")
            case .stanza(.message(let message)): relay(message)
            case .stanza, .disconnected: break
            }
        }
    }

    private func relay(_ message: Message) {
        guard message.type != .error, let from = message.from, let to = message.to else { return }
        acknowledge(message, from: from, to: to)
        guard let body = message.body else { return }
        if case .chat(let visitor) = ChatAddress(local: to.local) {
            guard let visitor = try? JID(local: visitor, domain: userDomain) else { return }
            component.send(Message(to: visitor, from: try? JID(domain: to.domain), id: nextID(), body: body))
        } else if let visitor = from.local {
            let agent = agents[Int(Self.hash(from.bare.description) % UInt64(agents.count))]
            component.send(Message(to: agent, from: ChatAddress.chat(visitor).jid(domain: to.domain), id: nextID(), body: body))
        }
    }

    /// A receipt (XEP-0184) for a message whose sender asked for one, as `Outbox.acknowledge` sends.
    private func acknowledge(_ message: Message, from: JID, to: JID) {
        guard let id = message.id, message.element.child("request", namespace: Self.receipts) != nil else { return }
        var receipt = Message(to: from, from: to, type: message.type, id: nextID())
        receipt.element.append(XMLElement("received", namespace: Self.receipts, attributes: [XMLAttribute("id", id)]))
        component.send(receipt)
    }

    private static let receipts = "urn:xmpp:receipts"

    /// Ids shaped as the router's (`MessageIDs`): a random prefix per process, then a counter.
    private func nextID() -> String {
        idPrefix + String(sent.add(1, ordering: .relaxed).newValue, radix: 36)
    }

    /// FNV-1a: the same agent for a visitor in every run.
    static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
