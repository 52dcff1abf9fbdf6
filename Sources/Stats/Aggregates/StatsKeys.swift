import RoutingSchema

/// The stats service's Redis keys, beside the routing keys under the same hash tag (`{sb}:stats:…`),
/// so the applying script can touch them and the event stream in one Cluster slot. The Lua in
/// `Lua/applyEvents-3.lua` builds the same names.
public struct StatsKeys: Sendable, Hashable {
    public let routing: RoutingKeys

    public init(prefix: String) {
        routing = RoutingKeys(prefix: prefix)
    }

    var base: String { routing.base + "stats:" }
    /// The routing event stream the stats are made from.
    public var events: String { routing.events }
    /// The id of the last stream entry applied.
    public var applied: String { base + "applied" }
    /// All-time totals per queue, for `/metrics`.
    public var totals: String { base + "totals" }
    /// The facts of one minute (minutes since 1970), one list entry each.
    public func facts(minute: Int64) -> String { base + "facts:" + String(minute) }
    /// What the stats know of an open chat (its wait, acceptance, unanswered visitor messages).
    public func chat(_ id: String) -> String { base + "chat:" + id }
}
