import Redis
import Routing

/// The routing events in the stream, as field dictionaries.
public func events(_ redis: RedisClient, _ keys: RoutingKeys) async throws -> [[String: String]] {
    let entries = try await redis.send("XRANGE", keys.events, "-", "+").array ?? []
    return entries.compactMap { streamEntry($0)?.fields }
}

/// One entry of a stream reply (XRANGE, XREAD): its id and its fields.
public func streamEntry(_ entry: RESPValue) -> (id: String, fields: [String: String])? {
    guard let id = entry.array?.first?.string, let fields = entry.array?.last?.array else { return nil }
    var result: [String: String] = [:]
    for index in stride(from: 0, to: fields.count - 1, by: 2) {
        result[fields[index].string ?? ""] = fields[index + 1].string ?? ""
    }
    return (id, result)
}
