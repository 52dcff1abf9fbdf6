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
        let options: (@Sendable (FormContext) async throws -> [(value: String, label: String)])?
    }

    /// What a form's choices depend on: the rules in force, the routing state, who asks.
    struct FormContext: Sendable {
        let rules: RoutingRules
        let store: RoutingStore
        /// The agent filling in the form.
        let agent: String
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
            Field(name: "target", label: "To queue or agent") { context in
                // Only agents who could take the chat now: the script refuses the others ("busy").
                var takers: [(value: String, label: String)] = []
                for other in context.rules.agents.values.sorted(by: { $0.jid < $1.jid }) where other.jid != context.agent {
                    let status = try await context.store.agentStatus(other.jid)
                    if status.presence == .available, status.chats.count < other.capacity { takers.append((other.jid, "Agent \(other.name)")) }
                }
                return context.rules.queues.map { ($0.name, "Queue \($0.title)") } + takers
            },
        ]) { .transfer($0["target"] ?? "") },
        CommandNode("note", "Add an internal note", fields: [Field(name: "text", label: "Note", options: nil)]) {
            .note($0["text"] ?? "")
        },
        CommandNode("canned", "Send a canned reply", fields: [
            Field(name: "key", label: "Reply") { context in
                context.rules.canned.keys.sorted().map { ($0, context.rules.canned[$0]?.text ?? "") }
            },
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

    /// The form asking for the command's fields, with the choices they have in `context`.
    func form(_ context: FormContext) async throws -> DataForm {
        var formFields: [DataForm.Field] = []
        for field in fields {
            var options: [DataForm.Field.Option]?
            if let choices = field.options {
                options = try await choices(context).map { DataForm.Field.Option(value: $0.value, label: $0.label) }
            }
            formFields.append(DataForm.Field(name: field.name, label: field.label, options: options))
        }
        return DataForm(title: name, fields: formFields)
    }
}
