import Redis
import RoutingSchema

/// Reads the audit log (`RoutingKeys.audit`) for the API and `switchboard audit`: a time window,
/// perhaps one actor's or one chat's entries, oldest first, bounded.
public struct AuditLog: Sendable {
    /// What a caller may ask for at once; a larger `limit` is clamped.
    public static let limits = 1...10_000
    /// Entries read per XRANGE; at most `scanLimit` are looked at per query, so a filter that
    /// matches little cannot hold Redis for long.
    static let page = 1_000
    static let scanLimit = 200_000

    /// The entries matched, and whether more may be there (`next`: the id to ask `after`).
    public struct Page: Sendable, Encodable {
        public var entries: [AuditEntry]
        public var next: String?
    }

    let redis: RedisClient
    let keys: RoutingKeys

    public init(redis: RedisClient, keys: RoutingKeys) {
        self.redis = redis
        self.keys = keys
    }

    /// Entries from `since` to `until` (ms since 1970, both included), after entry `after` if
    /// given, with the given actor and chat if given; at most `limit`.
    public func entries(
        since: Int64, until: Int64, actor: String? = nil, chat: String? = nil, after: String? = nil, limit: Int = 1_000
    ) async throws -> Page {
        let limit = min(max(limit, Self.limits.lowerBound), Self.limits.upperBound)
        var start = after.map { "(" + $0 } ?? String(max(since, 0))
        let end = String(max(until, 0))
        var found: [AuditEntry] = []
        var scanned = 0
        while scanned < Self.scanLimit {
            let reply = try await redis.send("XRANGE", keys.audit, start, end, "COUNT", String(Self.page))
            let rows = reply.array ?? []
            for row in rows {
                guard let parts = row.array, parts.count == 2, let id = parts[0].string, let values = parts[1].array else { continue }
                start = "(" + id
                scanned += 1
                var fields: [String: String] = [:]
                for index in stride(from: 0, to: values.count - 1, by: 2) {
                    if let name = values[index].string { fields[name] = values[index + 1].string ?? "" }
                }
                guard let entry = AuditEntry(id: id, fields: fields),
                    actor.map({ $0 == entry.actor }) ?? true, chat.map({ $0 == entry.chat }) ?? true
                else { continue }
                found.append(entry)
                if found.count == limit { return Page(entries: found, next: id) }
            }
            if rows.count < Self.page { return Page(entries: found, next: nil) }
        }
        // Stopped at the scan bound: the caller may go on from the last entry looked at.
        return Page(entries: found, next: String(start.dropFirst()))
    }
}
