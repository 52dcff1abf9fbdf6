import AgentProtocol
import Logging
import XMPP

/// The floor the router is measured against: an external component that relays each visitor's
/// messages to a fixed agent (chosen by a hash of the visitor's address) and the agent's answers
/// back, with no Redis, no routing, no transcript. Visitors write to any address of the domain;
/// agents answer `chat-VISITOR@DOMAIN`, which names the visitor `VISITOR@USERDOMAIN`.
public struct FloorComponent: Sendable {
    let component: XMPPComponent
    let agents: [JID]
    let userDomain: String
    let logger: Logger

    public init(component: XMPPComponent, agents: [JID], userDomain: String, logger: Logger) {
        precondition(!agents.isEmpty, "the floor component needs an agent")
        self.component = component
        self.agents = agents
        self.userDomain = userDomain
        self.logger = logger
    }

    public func run() async {
        await component.run { event in
            switch event {
            case .connected: logger.notice("floor ready")
            case .stanza(.message(let message)): relay(message)
            case .stanza, .disconnected: break
            }
        }
    }

    private func relay(_ message: Message) {
        guard message.type != .error, let body = message.body, let from = message.from, let to = message.to else { return }
        if case .chat(let visitor) = ChatAddress(local: to.local) {
            guard let visitor = try? JID(local: visitor, domain: userDomain) else { return }
            component.send(Message(to: visitor, from: try? JID(domain: to.domain), body: body))
        } else if let visitor = from.local {
            let agent = agents[Int(Self.hash(from.bare.description) % UInt64(agents.count))]
            component.send(Message(to: agent, from: ChatAddress.chat(visitor).jid(domain: to.domain), body: body))
        }
    }

    /// FNV-1a: the same agent for a visitor in every run.
    static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
