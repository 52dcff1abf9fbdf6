import RoutingSchema

/// One entry of the audit log: who did what to which chat, when (ms since 1970, Redis's clock),
/// and the action's own fields (a transfer's target, a presence, a reload's counts).
public struct AuditEntry: Sendable, Hashable, Codable {
    /// The stream entry id: ordered, and where a next page starts.
    public var id: String
    public var time: Int64
    public var actor: String
    public var action: String
    /// Empty for an action on no chat (presence, reload, forget).
    public var chat: String
    public var detail: [String: String]

    static let ownFields: Set<String> = ["actor", "action", "chat", "ts"]

    init?(id: String, fields: [String: String]) {
        guard let actor = fields["actor"], let action = fields["action"] else { return nil }
        self.id = id
        // The id's milliseconds are the time of the append; `ts` says the same from the script.
        time = fields["ts"].flatMap { Int64($0) } ?? Int64(id.prefix { $0 != "-" }) ?? 0
        self.actor = actor
        self.action = action
        chat = fields["chat"] ?? ""
        detail = fields.filter { !Self.ownFields.contains($0.key) }
    }
}
