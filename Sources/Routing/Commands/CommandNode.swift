import XMPP

/// An agent command as an XEP-0050 node: listed by service discovery, run by `execute`, with a
/// data form (XEP-0004) when it needs input. Clients such as Gajim, Conversations and
/// profanity (`/cmd list`, `/cmd exec`) show them as menus and forms.
struct CommandNode: Sendable {
    /// A form field the command asks for.
    struct Field: Sendable {
        let name: String
        let label: String
        /// The choices of a list under the rules in force, or nil for free text.
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
            Field(name: "key", label: "Reply") { rules in rules.canned.keys.sorted().map { ($0, rules.canned[$0]?.text ?? "") } },
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

    /// The form asking for the command's fields, with the choices the rules in force give.
    func form(rules: RoutingRules) -> DataForm {
        DataForm(title: name, fields: fields.map { field in
            DataForm.Field(
                name: field.name, label: field.label,
                options: field.options.map { options in options(rules).map { DataForm.Field.Option(value: $0.value, label: $0.label) } })
        })
    }
}
