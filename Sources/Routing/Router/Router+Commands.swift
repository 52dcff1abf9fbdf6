import AgentProtocol
import Synchronization
import XMPP

/// An agent command as an XEP-0050 node: listed by service discovery, run by `execute`, with a
/// data form (XEP-0004) when it needs input. Clients such as Gajim, Conversations and
/// profanity (`/cmd list`, `/cmd exec`) show them as menus and forms.
struct CommandNode: Sendable {
    /// A form field the command asks for.
    struct Field: Sendable {
        let name: String
        let label: String
        /// The choices of a list, or nil for free text.
        let options: (@Sendable (RoutingRules) -> [(value: String, label: String)])?
    }

    let node: String
    let name: String
    let fields: [Field]
    let supervisorsOnly: Bool
    /// The command once its fields are filled in.
    let command: @Sendable ([String: String]) -> AgentCommand

    init(_ node: String, _ name: String, fields: [Field] = [], supervisorsOnly: Bool = false,
         _ command: @escaping @Sendable ([String: String]) -> AgentCommand) {
        self.node = node
        self.name = name
        self.fields = fields
        self.supervisorsOnly = supervisorsOnly
        self.command = command
    }

    /// Commands on a chat's own address.
    static let chat: [CommandNode] = [
        CommandNode("accept", "Accept this chat") { _ in .accept },
        CommandNode("decline", "Decline this chat") { _ in .decline },
        CommandNode("close", "Close this chat") { _ in .close },
        CommandNode("transfer", "Transfer this chat", fields: [
            Field(name: "target", label: "To queue or agent") { rules in
                rules.queues.map { ($0.name, "Queue \($0.title)") }
                    + rules.agents.values.sorted { $0.jid < $1.jid }.map { ($0.jid, "Agent \($0.name)") }
            },
        ]) { .transfer($0["target"] ?? "") },
        CommandNode("note", "Add an internal note", fields: [Field(name: "text", label: "Note", options: nil)]) {
            .note($0["text"] ?? "")
        },
        CommandNode("canned", "Send a canned reply", fields: [
            Field(name: "key", label: "Reply") { rules in rules.canned.keys.sorted().map { ($0, rules.canned[$0] ?? "") } },
        ]) { .canned($0["key"] ?? "") },
        CommandNode("who", "Who is the visitor?") { _ in .who },
    ]

    /// Commands on the service domain.
    static let service: [CommandNode] = [
        CommandNode("status", "My status and chats") { _ in .status },
        CommandNode("queues", "Queues") { _ in .queues },
        CommandNode("agents", "Agents", supervisorsOnly: true) { _ in .agents },
        CommandNode("monitor", "Monitor a chat", fields: [Field(name: "chat", label: "Chat", options: nil)], supervisorsOnly: true) {
            .monitor(chat: $0["chat"] ?? "")
        },
        CommandNode("whisper", "Whisper to a chat's agent", fields: [
            Field(name: "chat", label: "Chat", options: nil), Field(name: "text", label: "Text", options: nil),
        ], supervisorsOnly: true) { .whisper(chat: $0["chat"] ?? "", text: $0["text"] ?? "") },
    ]
}

extension Router {
    /// IQs: service discovery (XEP-0030) and ad-hoc commands (XEP-0050); anything else is not served.
    func answer(_ iq: IQ, rules: RoutingRules) async throws {
        guard iq.type == .get || iq.type == .set, let payload = iq.payload, let to = iq.to else { return }
        let agent = iq.from.flatMap { rules.agents[$0.bare.description] }
        let address = ChatAddress(local: to.local)
        let chat: String? = if case .chat(let id) = address { id } else { nil }
        let nodes = address == .service ? CommandNode.service : chat != nil ? CommandNode.chat : []
        let offered = agent.map { agent in nodes.filter { !$0.supervisorsOnly || agent.isSupervisor } } ?? []
        switch (iq.type, payload.name, payload.namespace) {
        case (.get, "query", Namespace.discoInfo):
            component.send(iq.result(discoInfo(node: payload[attribute: "node"], offered: offered)))
        case (.get, "query", Namespace.discoItems):
            var query = XMLElement("query", namespace: Namespace.discoItems)
            query[attribute: "node"] = payload[attribute: "node"]
            if payload[attribute: "node"] == Namespace.commands {
                for node in offered {
                    query.append(XMLElement("item", namespace: Namespace.discoItems, attributes: [
                        XMLAttribute("jid", to.description), XMLAttribute("node", node.node), XMLAttribute("name", node.name),
                    ]))
                }
            }
            component.send(iq.result(query))
        case (.set, "command", Namespace.commands):
            guard let agent, let node = offered.first(where: { $0.node == payload[attribute: "node"] }) else {
                component.send(iq.errorReply(StanzaError(agent == nil ? .forbidden : .itemNotFound)))
                return
            }
            try await execute(node, iq: iq, request: payload, agent: agent, chat: chat, rules: rules)
        default:
            component.send(iq.errorReply(StanzaError(.featureNotImplemented)))
        }
    }

    private func discoInfo(node: String?, offered: [CommandNode]) -> XMLElement {
        var query = XMLElement("query", namespace: Namespace.discoInfo)
        query[attribute: "node"] = node
        func add(identity category: String, _ type: String, _ name: String, features: [String]) {
            query.append(XMLElement("identity", namespace: Namespace.discoInfo, attributes: [
                XMLAttribute("category", category), XMLAttribute("type", type), XMLAttribute("name", name),
            ]))
            for feature in features {
                query.append(XMLElement("feature", namespace: Namespace.discoInfo, attributes: [XMLAttribute("var", feature)]))
            }
        }
        if let node, let command = offered.first(where: { $0.node == node }) {
            add(identity: "automation", "command-node", command.name, features: [Namespace.commands, Namespace.dataForms])
        } else {
            add(identity: "client", "bot", "Switchboard", features: [
                Namespace.discoInfo, Namespace.discoItems, Namespace.commands, Namespace.chatStates, Self.receipts,
            ])
        }
        return query
    }

    /// Runs a command node: asks for its fields first if none were sent, then runs it and puts
    /// what it says in the result's note; a refusal is the IQ's error.
    private func execute(
        _ node: CommandNode, iq: IQ, request: XMLElement, agent: RoutingRules.Agent, chat: String?, rules: RoutingRules
    ) async throws {
        let session = request[attribute: "sessionid"] ?? "sb-\(UInt64.random(in: 0...UInt64.max))"
        var response = XMLElement("command", namespace: Namespace.commands, attributes: [
            XMLAttribute("node", node.node), XMLAttribute("sessionid", session),
        ])
        if request[attribute: "action"] == "cancel" {
            response[attribute: "status"] = "canceled"
            component.send(iq.result(response))
            return
        }
        let values = Self.submitted(request)
        if !node.fields.isEmpty, node.fields.contains(where: { (values[$0.name] ?? "").isEmpty }) {
            response[attribute: "status"] = "executing"
            var actions = XMLElement("actions", namespace: Namespace.commands, attributes: [XMLAttribute("execute", "complete")])
            actions.append(XMLElement("complete", namespace: Namespace.commands))
            response.append(actions)
            response.append(Self.form(node, rules: rules))
            component.send(iq.result(response))
            return
        }
        let outcome = CommandOutcome()
        let respond = Responder(answer: { outcome.said($0, $1) }, refuse: { outcome.refused($0) })
        if let chat {
            try await chatCommand(node.command(values), chat: chat, agent: agent, respond: respond, rules: rules)
        } else {
            try await serviceCommand(node.command(values), agent: agent, respond: respond, rules: rules)
        }
        if let refusal = outcome.refusal {
            component.send(iq.errorReply(refusal))
            return
        }
        response[attribute: "status"] = "completed"
        var note = XMLElement.text("note", namespace: Namespace.commands, outcome.text ?? "Done.")
        note[attribute: "type"] = "info"
        response.append(note)
        if let event = outcome.event { response.append(event.element) }
        component.send(iq.result(response))
    }

    private static func form(_ node: CommandNode, rules: RoutingRules) -> XMLElement {
        var form = XMLElement("x", namespace: Namespace.dataForms, attributes: [XMLAttribute("type", "form")])
        form.append(.text("title", namespace: Namespace.dataForms, node.name))
        for field in node.fields {
            var element = XMLElement("field", namespace: Namespace.dataForms, attributes: [
                XMLAttribute("var", field.name), XMLAttribute("label", field.label),
                XMLAttribute("type", field.options == nil ? "text-single" : "list-single"),
            ])
            for option in field.options?(rules) ?? [] {
                var choice = XMLElement("option", namespace: Namespace.dataForms, attributes: [XMLAttribute("label", option.label)])
                choice.append(.text("value", namespace: Namespace.dataForms, option.value))
                element.append(choice)
            }
            element.append(XMLElement("required", namespace: Namespace.dataForms))
            form.append(element)
        }
        return form
    }

    /// The values of a submitted data form.
    private static func submitted(_ request: XMLElement) -> [String: String] {
        guard let form = request.child("x", namespace: Namespace.dataForms) else { return [:] }
        var values: [String: String] = [:]
        for field in form.elements where field.name == "field" {
            guard let name = field[attribute: "var"] else { continue }
            values[name] = field.elements.filter { $0.name == "value" }.map(\.text).joined(separator: "\n")
        }
        return values
    }
}

/// What a command said while it ran, for the result's note.
final class CommandOutcome: Sendable {
    private let state = Mutex<(lines: [String], event: AgentEvent?, refusal: StanzaError?)>(([], nil, nil))

    func said(_ text: String?, _ event: AgentEvent?) {
        state.withLock { state in
            if let text { state.lines.append(text) }
            state.event = event ?? state.event
        }
    }
    func refused(_ error: StanzaError) { state.withLock { $0.refusal = $0.refusal ?? error } }
    var refusal: StanzaError? { state.withLock { $0.refusal } }
    var event: AgentEvent? { state.withLock { $0.event } }
    var text: String? { state.withLock { $0.lines.isEmpty ? nil : $0.lines.joined(separator: "\n") } }
}
