/// A chat as its hash in Redis holds it, read once into named fields instead of looked up by
/// string keys at every use. A field the hash lacks is nil (an empty `agent` too: nobody holds it).
struct ChatRecord: Sendable, Hashable {
    let id: String
    /// Who wrote in: a bare JID, or a web visitor's id.
    let visitor: String?
    /// The queue the chat waits in or came through.
    let queue: String?
    /// The name agents see.
    let name: String?
    /// Nil for a state this router does not know; `stateName` has it as stored.
    let state: ChatStatus?
    let stateName: String?
    /// The agent offered or holding the chat.
    let agent: String?
    /// Nil for a channel this router does not know; `channelName` has it as stored.
    let channel: ChatChannel?
    let channelName: String?
    /// When the chat was opened, in milliseconds since 1970 (Redis's clock).
    let queuedAt: Int64?
    /// The address the visitor wrote to, which every reply comes from, transfers included: a
    /// queue's local part, or empty for the service domain (a chat opened before it was kept:
    /// its queue's).
    let address: String
    /// The agent who last handed the chat on (`!transfer`), whom its next agent is told of.
    let transferredBy: String?
    /// Who closed it (`visitor`, `agent`, `timeout`, `system`); nil while open.
    let closedBy: String?

    init(id: String, fields: [String: String]) {
        self.id = id
        visitor = fields["visitor"]
        queue = fields["queue"]
        name = fields["name"]
        stateName = fields["state"]
        state = stateName.flatMap(ChatStatus.init(rawValue:))
        agent = fields["agent"].flatMap { $0.isEmpty ? nil : $0 }
        channelName = fields["channel"]
        channel = channelName.flatMap(ChatChannel.init(rawValue:))
        queuedAt = fields["queued_at"].flatMap { Int64($0) }
        address = fields["address"] ?? queue ?? ""
        transferredBy = fields["transferred_by"].flatMap { $0.isEmpty ? nil : $0 }
        closedBy = fields["closed_by"]
    }

    /// The agent holding the chat while it is active (an offer is not yet theirs).
    var activeAgent: String? { state == .active ? agent : nil }
}

extension RoutingStore {
    /// The chat `id`, or nil if there is no such chat.
    func chatRecord(_ id: String) async throws -> ChatRecord? {
        try await chat(id).map { ChatRecord(id: id, fields: $0) }
    }

    /// The visitor's open chat reached through `queue`'s address, if any.
    func openChatRecord(queue: String, visitor: String) async throws -> ChatRecord? {
        try await openChat(queue: queue, visitor: visitor).map { ChatRecord(id: $0.id, fields: $0.fields) }
    }
}
