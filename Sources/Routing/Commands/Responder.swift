import AgentProtocol
import XMPP

/// Where a command's outcome goes: back as messages and stanza errors, or into the result of
/// an ad-hoc command (XEP-0050). Each answer may carry what it means to consoles.
struct Responder: Sendable {
    /// Text for the agent (nil: none), and what it means to consoles.
    let answer: @Sendable (String?, AgentEvent?) -> Void
    let refuse: @Sendable (StanzaError) -> Void

    func say(_ text: String, _ event: AgentEvent? = nil) { answer(text, event) }
    /// What happened, with nothing to read: consoles only.
    func mark(_ event: AgentEvent) { answer(nil, event) }
}
