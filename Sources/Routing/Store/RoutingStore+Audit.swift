import Redis

// The audit log (`RoutingKeys.audit`): the scripts append the actions they do in the same step
// (accept, decline, transfer, close, note, canned, monitor, whisper, presence); what no script
// does (a reload, an erasure) is appended here.
extension RoutingStore {
    /// How long audit entries are kept (the workflow's `audit_retention`).
    public var auditLogRetention: Duration { auditRetention.current }

    /// Changes the audit retention, in every copy of this store.
    public func keepAuditLog(for retention: Duration) {
        auditRetention.replace(with: retention)
    }

    /// Appends an action no script does; `fields` are extra name–value pairs (never a visitor's data).
    public func audit(actor: String, _ action: AuditAction, chat: String = "", fields: [(String, String)] = []) async throws {
        let time = try await clock()
        var arguments = [keys.audit, "*", "actor", actor, "action", action.rawValue, "chat", chat, "ts", String(time)]
        for (name, value) in fields { arguments += [name, value] }
        _ = try await redis.send(RedisCommand("XADD", arguments))
    }

    /// Drops audit entries older than the retention (by Redis's clock: entry ids are its ms);
    /// returns how many went.
    @discardableResult
    public func trimAuditLog() async throws -> Int {
        let floor = try await clock() - auditRetention.current.milliseconds
        return try await redis.send("XTRIM", keys.audit, "MINID", String(max(floor, 0))).number()
    }
}
