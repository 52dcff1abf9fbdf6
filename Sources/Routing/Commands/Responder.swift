import AgentProtocol
import XMPP

/// Where a command's outcome goes: back as messages and stanza errors, or into the result of
/// an ad-hoc command (XEP-0050). Each answer may carry an element for consoles (`AgentProtocol`).
struct Responder: Sendable {
    /// Text for the agent (nil: none), and the element that tells consoles what it means.
    let answer: @Sendable (String?, XMLElement?) -> Void
    let refuse: @Sendable (StanzaError) -> Void

    func say(_ text: String, _ event: AgentEvent? = nil) { answer(text, event?.element) }
    /// Text, with the same in a form consoles read (an `AgentStatus`).
    func say(_ text: String, detail: XMLElement) { answer(text, detail) }
    /// What happened, with nothing to read: consoles only.
    func mark(_ event: AgentEvent) { answer(nil, event.element) }
}
