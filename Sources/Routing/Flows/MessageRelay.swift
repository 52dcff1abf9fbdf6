import AgentProtocol
import XMPP

/// What crosses the relay besides text: the id each relayed line goes under (so corrections and
/// read marks from one side name the right message on the other), files, and encrypted
/// messages, which are never passed on as their fallback text.
struct MessageRelay: Sendable {
    let store: RoutingStore
    let outbox: Outbox

    /// What the visitor is told, at once, when their client encrypted a message.
    static let encryptedToVisitor = "This service cannot read encrypted messages, so your last message was not passed on. "
        + "Please turn encryption off for this contact and send it again: in Conversations or Monal, tap the lock "
        + "in the chat and choose \"Unencrypted\"; in Gajim or Dino, click the lock next to the message field and "
        + "choose \"Unencrypted\" (OMEMO or OpenPGP off)."
    /// The note the agent (or the history of a chat not yet taken) gets instead.
    static let encryptedNote = "The visitor sent an encrypted message, which the service cannot read; they were asked to "
        + "turn encryption off and send it again."
    /// What an agent whose client encrypted a message is told.
    static let encryptedFromAgent = "Your message was encrypted (OMEMO or OpenPGP), and the service cannot read or pass "
        + "it on. Turn encryption off for this chat's address and send it again."

    /// What `message` is relayed with: a fresh id, its file (when the URL is fit to pass on), and
    /// for a correction the relayed id of the line it corrects in `chat` (none: relayed as a new line).
    func detail(for message: Message, side: RelaySide, chat: String?) async throws -> RelayDetail {
        var replaces: String?
        if let original = message.replacesID, let chat {
            replaces = try await store.relayedID(chat: chat, side: side, original: original)
        }
        return RelayDetail(
            id: RelayDetail.newID(), attachment: message.outOfBandURL.flatMap(Attachment.init(url:)), replaces: replaces,
            markable: message.element.child("markable", namespace: Namespace.chatMarkers) != nil)
    }

    /// The visitor's client marked an agent's line (read, received): the agent gets the mark
    /// under their own id. Marks for ids the router did not relay to the visitor are dropped.
    func visitorMarked(_ marker: ChatMarker, visitor: String, queue: String, rules: RoutingRules) async throws {
        guard let chat = try await store.openChatRecord(queue: queue, visitor: visitor), let agent = chat.activeAgent,
            let original = try await store.originalID(chat: chat.id, relayed: marker.id), original.side == .agent
        else { return }
        outbox.mark(agent: agent, chat: chat.id, ChatMarker(marker.kind, id: original.id), rules: rules)
    }

    /// The agent's client marked a visitor's line: the visitor gets the mark under their own id.
    func agentMarked(_ marker: ChatMarker, chat: String, agent: String, rules: RoutingRules) async throws {
        guard let record = try await store.chatRecord(chat), record.activeAgent == agent, let visitor = record.visitor,
            let original = try await store.originalID(chat: chat, relayed: marker.id), original.side == .visitor
        else { return }
        outbox.mark(visitor: visitor, from: record.address, ChatMarker(marker.kind, id: original.id), relayed: marker.id, rules: rules)
    }

    /// An encrypted message from a visitor: they are told at once how to turn encryption off;
    /// their open chat keeps a note, which its agent gets now (or with the history, when it is offered).
    /// `address`: where the visitor wrote (`ChatRecord.address`), which the answer comes from.
    func visitorEncrypted(visitor: String, queue: String, address: String, rules: RoutingRules) async throws {
        outbox.tellVisitor(visitor, from: address, Self.encryptedToVisitor, rules: rules)
        guard let chat = try await store.openChatRecord(queue: queue, visitor: visitor) else { return }
        try await store.record(chat: chat.id, .system, from: "switchboard", text: Self.encryptedNote)
        if let agent = chat.activeAgent { outbox.tellAgent(agent, chat: chat.id, Self.encryptedNote, rules: rules) }
    }
}
