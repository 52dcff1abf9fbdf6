import AgentProtocol
import XMPP

/// What the router answered to an ad-hoc command: its note for the agent to read, and the
/// event the console acts on (none for commands that only report).
public struct CommandAnswer: Sendable, Equatable {
    public var text: String
    public var event: AgentEvent?
    /// The agent's standing, in the answer to `status`.
    public var status: AgentStatus?

    public init(text: String, event: AgentEvent? = nil, status: AgentStatus? = nil) {
        self.text = text
        self.event = event
        self.status = status
    }

    /// The answer in a command result (XEP-0050).
    init(result command: XMLElement?) {
        self.init(
            text: command?.child("note", namespace: Namespace.commands)?.text ?? "Done.",
            event: command.flatMap { AgentEvent(in: $0) }, status: command.flatMap { AgentStatus(in: $0) })
    }
}
