import Synchronization
import Workflow

/// What each queue's widget asks for before the chat (the workflow's `web_form`), by queue
/// name; swapped whole when the workflow is reloaded.
public final class WebForms: Sendable {
    private let forms: Mutex<[String: ServerMessage.Form]>

    /// The forms of `workflow`'s queues (none asks for anything without one).
    public init(_ workflow: Workflow? = nil) {
        forms = Mutex(Self.forms(workflow))
    }

    /// The forms of a reloaded workflow.
    public func reload(_ workflow: Workflow) {
        let forms = Self.forms(workflow)
        self.forms.withLock { $0 = forms }
    }

    func form(_ queue: String) -> ServerMessage.Form {
        forms.withLock { $0[queue] } ?? ServerMessage.Form(name: false, email: false)
    }

    private static func forms(_ workflow: Workflow?) -> [String: ServerMessage.Form] {
        let queues = workflow?.queues ?? []
        return Dictionary(
            queues.map { ($0.name, ServerMessage.Form(name: $0.webForm.contains(.name), email: $0.webForm.contains(.email))) },
            uniquingKeysWith: { first, _ in first })
    }
}
