import Redis
@testable import Routing
import Testing

/// Every router's 5 s sweep reads what a router that died left undone (`RoutingStore.leftovers`):
/// only the chats agents hold, never the waiting ones. It once read every open chat: with 100,000
/// chats waiting (`switchboard bench --preset memory`) that cost each router 1.3 GB of memory and
/// Redis 100,000 HMGETs a sweep.
@Suite struct LeftoversReadTests {
    @Test func theSweepReadsOnlyTheChatsAgentsHold() async throws {
        try await withStore { store, redis in
            try await store.available("a")
            let given = try await store.enqueue(queue: "sales", visitor: "v0", name: "", channel: .xmpp, message: "hello").chat
            // Given to `a`, who was never told (the router died before the offer).
            #expect(try await store.route(RoutingPlanStorageTests.plan(["a"])).map(\.chat) == [given])
            for index in 1...50 {
                _ = try await store.enqueue(queue: "sales", visitor: "v\(index)", name: "", channel: .xmpp, message: "me too")
            }
            _ = try await redis.send("CONFIG", "RESETSTAT")
            let (unannounced, owed) = try await store.leftovers(agents: ["a", "b"])
            #expect(unannounced.map(\.chat) == [given])
            #expect(owed.isEmpty)
            let stats = try await redis.send("INFO", "commandstats").string ?? ""
            #expect(Self.calls("hmget", in: stats) == 1, "one chat read, not the 50 waiting: \(stats)")
        }
    }

    /// The number of calls of `command` in `INFO commandstats` (`cmdstat_hmget:calls=1,…`).
    static func calls(_ command: String, in stats: String) -> Int {
        guard let line = stats.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_\(command):") }),
            let field = line.split(separator: ",").first, let equals = field.firstIndex(of: "=")
        else { return 0 }
        return Int(field[field.index(after: equals)...]) ?? 0
    }
}
