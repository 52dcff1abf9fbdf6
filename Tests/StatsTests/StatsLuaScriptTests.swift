import Foundation
import Redis
@testable import Routing
@testable import Stats
import SwitchboardTesting
import Testing

/// The stats script as a file (luacheck), and the event types both sides spell in Lua agree with
/// `RoutingEvent`, the schema Routing and Stats share.
@Suite struct StatsLuaScriptTests {
    @Test func theApplyingScriptPassesLuacheck() async throws {
        let scripts = StatsLua.all.map { (name: $0.script.name, source: $0.script.source) }
        #expect(scripts.map(\.name) == ["applyEvents-3"])
        let folder = try LuaScripts.write(scripts, folder: "luacheck-stats")
        let (status, report) = try await LuaScripts.lint(folder)
        #expect(status == 0, "\(report)")
    }

    /// The assembled script runs on its own with `redis-cli --eval`: one queued event is applied.
    @Test func theApplyingScriptRunsWithRedisCLIEval() async throws {
        let script = StatsLua.applyEvents
        let folder = try LuaScripts.write([(script.name, script.source)], folder: "redis-cli-eval-stats")
        try await withStatsRedis { server, redis in
            let keys = StatsKeys(prefix: "sb")
            try await redis.send("XGROUP", "CREATE", keys.events, "stats", "0", "MKSTREAM")
            try await redis.send(
                "XADD", keys.events, "*", "type", "queued", "chat", "1", "queue", "sales", "agent", "", "ts", "60000")
            let (status, output) = try await LuaScripts.evalWithRedisCLI(
                "\(folder)/\(script.name).lua", port: server.port, keys: [keys.events, keys.applied, keys.totals],
                arguments: ["stats", "10", "{}", "60000", "0", "1000,5000"])
            #expect(status == 0 && !output.contains("ERR") && output.hasPrefix("1) (integer) 1"), "\(output)")
            #expect(try await redis.send("HGET", keys.totals, "offered|sales").string == "1")
        }
    }

    /// `includes/keys.lua` builds, from the event stream's name, the same names as `StatsKeys`.
    @Test func luaKeyNamesAreThoseOfStatsKeys() async throws {
        let keysLua = try String(
            contentsOfFile: RunDirectory.repositoryRoot + "/Sources/Stats/Lua/includes/keys.lua", encoding: .utf8)
        let probe = keysLua + "\nreturn {K.applied, K.totals, K.facts(29000000), K.chat('7')}"
        try await withStatsRedis { _, redis in
            let keys = StatsKeys(prefix: "sb")
            let names = try await redis.send("EVAL", probe, "1", keys.events).array?.compactMap(\.string)
            #expect(names == [keys.applied, keys.totals, keys.facts(minute: 29_000_000), keys.chat("7")])
        }
    }

    @Test func everyEventTypeInTheScriptsIsARoutingEvent() throws {
        let known = Set(RoutingEvent.allCases.map(\.rawValue))
        var emitted: Set<String> = []
        for (script, _) in RoutingLua.all {
            emitted.formUnion(try Self.matches(of: #"emit\('([a-z_]+)'"#, in: script.source))
        }
        // `kind .. '_message'` in record: the two kinds it passes.
        emitted.formUnion(["visitor_message", "agent_message"])
        let handled = try Self.matches(of: #"handlers\.([a-z_]+) ="#, in: StatsLua.applyEvents.source)
        #expect(emitted.subtracting(known).isEmpty, "emitted but not a RoutingEvent: \(emitted.subtracting(known))")
        #expect(handled.subtracting(known).isEmpty, "handled but not a RoutingEvent: \(handled.subtracting(known))")
        #expect(known.subtracting(emitted).isEmpty, "a RoutingEvent no script emits: \(known.subtracting(emitted))")
        #expect(handled.isSubset(of: emitted))
    }

    static func matches(of pattern: String, in text: String) throws -> Set<String> {
        let regex = try NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        })
    }
}
