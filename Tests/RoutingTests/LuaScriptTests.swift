import Foundation
import Logging
import Redis
@testable import Routing
import SwitchboardTesting
import Testing

/// The routing scripts as files: each lints clean and runs with `redis-cli --eval` in the form the
/// binary embeds, and the Lua names keys as `RoutingKeys` does.
@Suite struct LuaScriptTests {
    static var assembled: [(name: String, source: String)] {
        RoutingLua.all.map { ($0.script.name, $0.script.source) }
    }

    @Test func everyScriptPassesLuacheck() async throws {
        let folder = try LuaScripts.write(Self.assembled, folder: "luacheck-routing")
        let (status, report) = try await LuaScripts.lint(folder)
        #expect(status == 0, "\(report)")
        #expect(Self.assembled.count == 24)
    }

    @Test func everyScriptsNameCountsItsKeys() {
        for (script, keyCount) in RoutingLua.all {
            #expect(script.name.hasSuffix("-\(keyCount)"))
            #expect(!script.source.contains("KEYS[\(keyCount + 1)]"), "\(script.name) uses more KEYS than its name says")
        }
    }

    @Test func noScriptIsLeftWithAnInclude() {
        for (script, _) in RoutingLua.all {
            #expect(!script.source.contains("--- @include"), "\(script.name)")
        }
    }

    /// `includes/keys.lua` builds, from the event stream's name, the same names as `RoutingKeys`.
    @Test func luaKeyNamesAreThoseOfRoutingKeys() async throws {
        let keysLua = try String(
            contentsOfFile: RunDirectory.repositoryRoot + "/Sources/Routing/Lua/includes/keys.lua", encoding: .utf8)
        let probe = keysLua + """
            return {K.timers, K.open, K.seq, K.chat('7'), K.transcript('7'), K.declined('7'), K.chatTimers('7'),
              K.seen('7'), K.monitors('7'), K.relayIDs('7'), K.waiting('sales'), K.roundRobin('sales'), K.agent('a@x'),
              K.agentChats('a@x'), K.visitor('sales', 'web:abc'), K.answers('sales'), K.rating('sales', 'v@x'),
              K.leaveMessage('sales', 'v@x'), K.lastChat('web:abc'), K.owedClosed}
            """
        try await withStore { store, redis in
            let keys = store.keys
            let names = try await redis.send("EVAL", probe, "1", keys.events).array?.compactMap(\.string)
            #expect(names == [
                keys.timers, keys.openChats, keys.sequence, keys.chat("7"), keys.transcript("7"), keys.declined("7"),
                keys.chatTimers("7"), keys.seen("7"), keys.monitors("7"), keys.relayIDs("7"), keys.waiting("sales"),
                keys.roundRobin("sales"), keys.agent("a@x"), keys.agentChats("a@x"), keys.visitorChat(queue: "sales", visitor: "web:abc"),
                keys.answers("sales"), keys.rating(queue: "sales", visitor: "v@x"), keys.leaveMessage(queue: "sales", visitor: "v@x"),
                keys.lastChat(visitor: "web:abc"), keys.owedClosedChats,
            ])
        }
    }

    /// Every script runs on its own with `redis-cli --eval`, the keys given as RoutingStore gives
    /// them; what the first (enqueue) did is then seen through the store.
    @Test func eachScriptRunsWithRedisCLIEval() async throws {
        let folder = try LuaScripts.write(Self.assembled, folder: "redis-cli-eval")
        try await withRedisServer { server in
            var logger = Logger(label: "lua-script-tests")
            logger.logLevel = .warning
            let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: logger)
            let store = RoutingStore(redis: redis, prefix: "sb")
            let k = store.keys
            let plan = #"[{"queue":"sales","strategy":"longest-idle","offer_ms":30000,"#
                + #""candidates":[{"jid":"a","max":2,"level":0,"needs":0}]}]"#
            let chatKeys = [k.events, k.chat("1")]
            let agentKeys = [k.events, k.agent("a"), k.agentChats("a"), k.timers]
            let presenceKeys = agentKeys + [k.agentResources("a")]
            let chatTimers = [k.timers, k.chatTimers("1")]
            let runs: [(script: String, keys: [String], arguments: [String], expected: String)] = [
                ("enqueue-6",
                 [k.events, k.visitorChat(queue: "sales", visitor: "v1"), k.waiting("sales"), k.sequence, k.openChats, k.timers],
                 ["sales", "v1", "Vi", "xmpp", "60000", "hello", "m1", "", "", "5000"], "\"1\""),
                ("presence-5", presenceKeys, ["a", "desk", "available", "60000"], "\"available\""),
                ("anyAvailable-1", [k.events], ["b", "a"], "(integer) 1"),
                // The plan is read from Redis under its SHA-1 (stored below as `p1`).
                ("route-2", [k.events, k.timers], ["p1", "10", "0"], "\"offered\""),
                ("accept-5", chatKeys + [k.agent("a")] + chatTimers, ["1", "a"], "\"active\""),
                ("takeHistory-3", chatKeys + [k.transcript("1")], ["1"], "hello"),
                ("claimUnsent-3", chatKeys + [k.transcript("1")], ["1", "5000"], "(integer) 0"),
                ("confirmSent-3", chatKeys + [k.transcript("1")], ["1", "a", "1", "5000", "1"], "(integer) 0"),
                ("sentBackLate-4", chatKeys + [k.transcript("1"), k.announcing("1")], ["1", "a", "line", "sb-1"], "(integer) 0"),
                ("placeHeld-3", chatKeys + [k.timers], ["1", "", "5000"], "\"Vi\""),
                ("record-6", chatKeys + [k.monitors("1"), k.seen("1"), k.transcript("1"), k.relayIDs("1")],
                 ["1", "agent", "a", "hi", "m2", #"{"id":"sb-1","attachment":{"url":"https://x.test/a.png"}}"#, "m2"], "\"v1\""),
                ("monitor-3", chatKeys + [k.monitors("1")], ["1", "boss"], "\"a\""),
                ("setTimer-4", chatKeys + chatTimers, ["1", "gone", "60000"], "1"),
                ("dueTimers-1", [k.timers], ["10"], "1)"),
                ("transfer-7", chatKeys + [k.declined("1"), k.agent("a"), k.agentChats("a")] + chatTimers, ["1", "a", "queue", "billing", "0", "0"], "\"queued\""),
                ("overflow-4", chatKeys + chatTimers, ["1", "1", "drop", "none"], "\"billing\""),
                ("decline-7", chatKeys + [k.agent("a"), k.declined("1"), k.agentChats("a")] + chatTimers, ["1", "a", "declined", "3"], "\"queued\""),
                // A chat in line is no longer the bot's: nothing changes.
                ("settleBot-6", chatKeys + [k.transcript("1"), k.timers, k.chatTimers("1"), k.waiting("sales")],
                 ["1", "handoff", "silent", "sales", "", "0", "", "bot"], "\"queued\""),
                ("expireGrace-4", agentKeys, ["a"], "(empty"),
                ("settlePresence-5", presenceKeys, ["a", "99999999999999", "60000"], "\"offline\""),
                ("removeAgent-5", presenceKeys, ["a"], "(empty"),
                ("close-10",
                 chatKeys + [k.chatTimers("1"), k.declined("1"), k.seen("1"), k.monitors("1"), k.timers, k.openChats, k.transcript("1"),
                             k.relayIDs("1")],
                 ["1", "visitor", "none", "", "60000"], "\"queued\""),
                ("rate-2", [k.events, k.rating(queue: "billing", visitor: "v1")], ["billing", "", "4", "great"], "no-rating"),
                ("trimEvents-1", [k.events], ["0"], "(integer)"),
            ]
            #expect(Set(runs.map(\.script)) == Set(Self.assembled.map(\.name)), "every script is run")
            try await withCleanup {
                _ = try await redis.send("SET", k.plan("p1"), plan)
                for run in runs {
                    let (status, output) = try await LuaScripts.evalWithRedisCLI(
                        "\(folder)/\(run.script).lua", port: server.port, keys: run.keys, arguments: run.arguments)
                    #expect(status == 0 && !output.contains("ERR") && output.contains(run.expected), "\(run.script): \(output)")
                }
                let chat = try await store.chat("1")
                #expect(chat?["state"] == "closed" && chat?["visitor"] == "v1" && chat?["queue"] == "billing")
                #expect(try await store.transcript("1").map(\.text) == ["hello", "hi"])
            } cleanup: {
                await redis.close()
            }
        }
    }
}
