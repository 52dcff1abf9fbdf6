import AgentProtocol
import XMPP

/// Where a command's outcome goes: back as messages and stanza errors, or into the result of
/// an ad-hoc command (XEP-0050). Each answer may carry an element for consoles (`AgentProtocol`).
struct Responder: Sendable {
    /// Text for the agent (nil: none), and the element that tells consoles what it means.
    let answer: @Sendable (String?, XMLElement?) -> Void
    let refuse: @Sendable (StanzaError) -> Void
    /// A command that could not be done, said in words ("cannot be accepted: it is active"):
    /// in a chat an answer like any other; in an ad-hoc command's result an error note, not
    /// a "completed" that reads as success. Nil: an answer.
    var declined: (@Sendable (String) -> Void)? = nil

    func say(_ text: String, _ event: AgentEvent? = nil) { answer(text, event?.element) }
    /// Text, with the same in a form consoles read (an `AgentStatus`).
    func say(_ text: String, detail: XMLElement) { answer(text, detail) }
    /// The command was not done, for the reason `text` gives.
    func decline(_ text: String) {
        if let declined { declined(text) } else { answer(text, nil) }
    }

    /// What happened, with nothing to read: consoles only.
    func mark(_ event: AgentEvent) { answer(nil, event.element) }
}
