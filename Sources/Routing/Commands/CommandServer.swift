import AgentProtocol
import Synchronization
import XMPP

/// The router's IQs: service discovery (XEP-0030) of the service domain and of each chat's
/// address, and the agent commands as ad-hoc commands (XEP-0050) with data forms (XEP-0004),
/// which clients such as Gajim, Conversations and profanity show as menus and forms.
struct CommandServer: Sendable {
    let store: RoutingStore
    let outbox: Outbox
    let agents: AgentFlow
    let supervisor: SupervisorFlow

    /// Answers an IQ sent to `address`; anything but discovery and commands is not served.
    func answer(_ iq: IQ, address: ChatAddress, rules: RoutingRules) async throws {
        guard iq.type == .get || iq.type == .set, let payload = iq.payload, let to = iq.to else { return }
        let agent = iq.from.flatMap { rules.agents[$0.bare.description] }
        let chat: String? = if case .chat(let id) = address { id } else { nil }
        let nodes = address == .service ? CommandNode.service : chat != nil ? CommandNode.chat : []
        let offered = agent.map { agent in nodes.filter { !$0.supervisorsOnly || agent.isSupervisor } } ?? []
        switch (iq.type, payload.name, payload.namespace) {
        case (.get, "query", Namespace.discoInfo):
            let identity = try await card(of: address, for: agent, rules: rules).map { Self.identity(of: address, name: $0.fullName) }
            outbox.send(iq.result(Self.discoInfo(node: payload[attribute: "node"], offered: offered, identity: identity).element))
        case (.get, "vCard", VCard.namespace):
            guard let card = try await card(of: address, for: agent, rules: rules) else {
                outbox.send(iq.errorReply(StanzaError(.itemNotFound)))
                return
            }
            outbox.send(iq.result(card.element))
        case (.get, "pubsub", Self.pubsub):
            // OMEMO (XEP-0384) asks for the device list, a PEP node (XEP-0060 §6.5.9: items of a
            // node that does not exist are `item-not-found`). Clients read that as "no devices" and
            // fall back to plain text at once; `feature-not-implemented` left Gajim waiting.
            outbox.send(iq.errorReply(StanzaError(.itemNotFound)))
        case (.get, "query", Namespace.discoItems):
            let node = payload[attribute: "node"]
            let items = node == Namespace.commands ? offered.map { DiscoItems.Item(jid: to, node: $0.node, name: $0.name) } : []
            outbox.send(iq.result(DiscoItems(node: node, items: items).element))
        case (.set, "query", MessageArchive.namespace):
            try await MessageArchive(store: store, outbox: outbox).answer(iq, query: payload, address: address, agent: agent, rules: rules)
        case (.set, "command", Namespace.commands):
            guard let agent, let request = AdHocCommand(request: payload),
                let node = offered.first(where: { $0.node == request.node })
            else {
                outbox.send(iq.errorReply(StanzaError(agent == nil ? .forbidden : .itemNotFound)))
                return
            }
            try await execute(node, iq: iq, request: request, agent: agent, chat: chat, rules: rules)
        default:
            outbox.send(iq.errorReply(StanzaError(.featureNotImplemented)))
        }
    }

    static let pubsub = "http://jabber.org/protocol/pubsub"

    /// The name an address goes by (XEP-0054), where clients look when the roster has none: the
    /// queue's title (and its avatar, if the workflow gives one); to the agent it concerns, the chat's visitor; the service's own name.
    /// Nil for a queue the workflow lacks.
    private func card(of address: ChatAddress, for agent: RoutingRules.Agent?, rules: RoutingRules) async throws -> VCard? {
        switch address {
        case .service:
            return VCard(fullName: "Switchboard")
        case .queue(let name):
            return rules.queue(name).map { queue in
                VCard(fullName: queue.title, photo: queue.configured.avatar.map { VCard.Photo(type: $0.type.rawValue, bytes: $0.bytes) })
            }
        case .chat(let id):
            let record = try await store.chatRecord(id)
            guard let agent, record?.agent == agent.jid, let name = record?.name else { return VCard(fullName: ChatAddress.name(ofChat: id)) }
            return VCard(fullName: name, nickname: ChatAddress.name(ofChat: id))
        }
    }

    /// What an address is (XEP-0030 categories): the service the bot that answers commands; a
    /// queue or a chat an account people write to, by its name (people answer there, through
    /// the router), not another "Switchboard" bot.
    private static func identity(of address: ChatAddress, name: String) -> DiscoInfo.Identity {
        address == .service
            ? .init(category: "client", type: "bot", name: name) : .init(category: "account", type: "registered", name: name)
    }

    private static func discoInfo(node: String?, offered: [CommandNode], identity: DiscoInfo.Identity? = nil) -> DiscoInfo {
        if let node, let command = offered.first(where: { $0.node == node }) {
            return DiscoInfo(
                node: node, identity: .init(category: "automation", type: "command-node", name: command.name),
                features: [Namespace.commands, Namespace.dataForms])
        }
        return DiscoInfo(
            node: node, identity: identity ?? .init(category: "client", type: "bot", name: "Switchboard"),
            features: [
                Namespace.discoInfo, Namespace.discoItems, Namespace.commands, Namespace.chatStates, Outbox.receipts,
                Namespace.outOfBand, Namespace.correction, Namespace.chatMarkers, VCard.namespace, MessageArchive.namespace,
            ])
    }

    /// Runs a command node: asks for its fields first if none were sent, then runs it and puts
    /// what it says in the result's note, and what it means to consoles beside it; a refusal is
    /// the IQ's error.
    private func execute(
        _ node: CommandNode, iq: IQ, request: AdHocCommand, agent: RoutingRules.Agent, chat: String?, rules: RoutingRules
    ) async throws {
        let session = request.sessionID ?? "sb-\(UInt64.random(in: 0...UInt64.max))"
        if request.action == "cancel" {
            outbox.send(iq.result(request.canceled(session: session)))
            return
        }
        if !node.fields.isEmpty, node.fields.contains(where: { (request.values[$0.name] ?? "").isEmpty }) {
            let form = try await node.form(CommandNode.FormContext(rules: rules, store: store, agent: agent.jid))
            outbox.send(iq.result(request.asking(form, session: session)))
            return
        }
        let outcome = CommandOutcome()
        let respond = Responder(answer: { outcome.said($0, $1) }, refuse: { outcome.refused($0) }, declined: { outcome.declined($0) })
        let command = node.command(request.values)
        // Read before it runs: a close or transfer takes the chat from the agent.
        let record = if let chat { try await store.chatRecord(chat) } else { ChatRecord?.none }
        if let chat {
            try await agents.run(command, chat: chat, agent: agent, respond: respond, rules: rules)
        } else {
            try await supervisor.run(command, agent: agent, respond: respond, rules: rules)
        }
        if let refusal = outcome.refusal {
            outbox.send(iq.errorReply(refusal))
            return
        }
        if let chat, outcome.failure == nil { echo(command, outcome: outcome, chat: chat, agent: agent, rules: rules) }
        // A form does not say which chat it came from once its window is the only one left open.
        let which = record.map { " (\(ChatAddress.name(ofChat: $0.id))\($0.name.map { ", \($0)" } ?? ""))" } ?? ""
        let detail = outcome.detail.map { [$0] } ?? []
        let note = (outcome.failure ?? outcome.text ?? "Done.") + which
        outbox.send(iq.result(request.completed(note: note, failed: outcome.failure != nil, payload: detail, session: session)))
    }

    /// A note or canned reply sent through a form shows in the agent's chat with the visitor,
    /// as it would had they typed `!note` or `!canned` there.
    private func echo(_ command: AgentCommand, outcome: CommandOutcome, chat: String, agent: RoutingRules.Agent, rules: RoutingRules) {
        switch command {
        case .note(let text):
            outbox.tellAgent(agent.jid, chat: chat, "Noted: \(rules.redactor.redact(text).text)", event: .noted, rules: rules)
        case .canned:
            if let sent = outcome.text { outbox.tellAgent(agent.jid, chat: chat, sent, detail: outcome.detail, rules: rules) }
        default:
            break
        }
    }
}

/// What a command said while it ran, for the result's note.
final class CommandOutcome: Sendable {
    private let state = Mutex<(lines: [String], detail: XMLElement?, refusal: StanzaError?, failure: String?)>(([], nil, nil, nil))

    func said(_ text: String?, _ detail: XMLElement?) {
        state.withLock { state in
            if let text { state.lines.append(text) }
            state.detail = detail ?? state.detail
        }
    }

    func refused(_ error: StanzaError) { state.withLock { $0.refusal = $0.refusal ?? error } }
    /// The command was not done, said in words: the result's error note.
    func declined(_ text: String) { state.withLock { $0.failure = $0.failure ?? text } }
    var failure: String? { state.withLock { $0.failure } }
    var refusal: StanzaError? { state.withLock { $0.refusal } }
    /// The element for consoles (an `AgentEvent`, an `AgentStatus`), the last one given.
    var detail: XMLElement? { state.withLock { $0.detail } }
    var text: String? { state.withLock { $0.lines.isEmpty ? nil : $0.lines.joined(separator: "\n") } }
}
