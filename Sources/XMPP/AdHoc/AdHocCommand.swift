/// An ad-hoc command (XEP-0050) as a service answers it: the request's node, session and
/// action, and the `<command/>` element of each kind of response.
public struct AdHocCommand: Sendable, Hashable {
    public var node: String
    /// The session a multi-stage command continues (nil on the first request).
    public var sessionID: String?
    /// `execute` (or none), `complete`, `cancel`...
    public var action: String?
    /// What a submitted form holds (empty without one).
    public var values: [String: String]

    /// The command a `<command xmlns='http://jabber.org/protocol/commands'/>` request asks for.
    public init?(request: XMLElement) {
        guard request.name == "command", request.namespace == Namespace.commands, let node = request[attribute: "node"] else {
            return nil
        }
        self.node = node
        sessionID = request[attribute: "sessionid"]
        action = request[attribute: "action"]
        values = DataForm.submittedValues(in: request)
    }

    /// The response `<command/>` for this request's node in `session`, with `status`.
    private func response(_ status: String, session: String) -> XMLElement {
        XMLElement("command", namespace: Namespace.commands, attributes: [
            XMLAttribute("node", node), XMLAttribute("sessionid", session), XMLAttribute("status", status),
        ])
    }

    /// The command was cancelled.
    public func canceled(session: String) -> XMLElement {
        response("canceled", session: session)
    }

    /// The command needs `form` filled in and sent back with `complete`.
    public func asking(_ form: DataForm, session: String) -> XMLElement {
        var command = response("executing", session: session)
        var actions = XMLElement("actions", namespace: Namespace.commands, attributes: [XMLAttribute("execute", "complete")])
        actions.append(XMLElement("complete", namespace: Namespace.commands))
        command.append(actions)
        command.append(form.element)
        return command
    }

    /// The command ran: `note` says what it did (type `info`), or why it could not be done
    /// (type `error`, XEP-0050 §3.4: clients show it as a failure), `payload` follows it.
    public func completed(note: String, failed: Bool = false, payload: [XMLElement] = [], session: String) -> XMLElement {
        var command = response("completed", session: session)
        var element = XMLElement.text("note", namespace: Namespace.commands, note)
        element[attribute: "type"] = failed ? "error" : "info"
        command.append(element)
        for child in payload { command.append(child) }
        return command
    }
}
