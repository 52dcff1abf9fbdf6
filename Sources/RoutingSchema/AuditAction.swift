/// What an entry of the audit log (`RoutingKeys.audit`, field `action`) records: an agent's or a
/// supervisor's action, or an operator's. The Lua spells them as strings; a test checks that every
/// action a script writes is one of these.
public enum AuditAction: String, Sendable, Hashable, CaseIterable, Codable {
    case accept, decline, transfer, close, note, canned, monitor, whisper
    /// An agent's presence changed by their own client (field `presence`).
    case presence
    /// `switchboard forget` erased a subject's chats (field `chats`: how many; never the subject).
    case forget
    /// A router took a new workflow (SIGHUP).
    case reload
}
