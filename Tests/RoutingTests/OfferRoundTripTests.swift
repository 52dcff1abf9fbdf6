import Foundation
import LocalServices
import Redis
@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// A new chat's offer waits on the Redis round trips between the visitor's first line and the
/// agent's offer (issue 16): now one, the enqueue step, which opens the chat, routes it, takes the
/// right to announce it and its history. It once waited on three: the enqueue, a routing pass
/// (`route-2`) and the history (`takeHistory-3`). Counted with Redis's MONITOR: commands that
/// scripts run show as `[0 lua]`, each round trip as a client's.
@Suite(.serialized) struct OfferRoundTripTests: LiveRouterSuite {
    @Test func aNewChatsOfferWaitsOnTheEnqueueStepOnly() async throws {
        try await Self.withRouter(accounts: ["visitor1": "secret", "alice": "secret"], rules: RouterLiveTests.salesRules()) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            var scripts: [String: String] = [:]
            for (name, script) in [("enqueue", RoutingLua.enqueue), ("route", RoutingLua.route), ("takeHistory", RoutingLua.takeHistory)] {
                let sha = try #require(try await live.redis.send("SCRIPT", "LOAD", script.source).string)
                scripts[sha.lowercased()] = name
            }
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(UUID().uuidString).log").path
            let monitor = try ChildProcess(
                try ChildProcess.executable("redis-cli"), ["-p", String(live.store.redisConfiguration.url.port), "monitor"], logFile: log)
            let commands = try await withCleanup {
                try await Self.mark("offer-begin", in: log, redis: live.redis)
                try await visitor.send(Message(to: try live.address("sales"), body: "Hi, my order is late"))
                let offer = try await alice.message("the offer", startingWith: "New chat")
                #expect(offer.body?.contains("Hi, my order is late") == true, "the history comes with it")
                let chat = try #require(offer.from?.local.map { String($0.dropFirst("chat-".count)) })
                try await Self.mark("offer-end", in: log, redis: live.redis)
                return (chat, try Self.between("offer-begin", "offer-end", in: log))
            } cleanup: {
                await monitor.stop()
                try? FileManager.default.removeItem(atPath: log)
            }
            let (chat, sent) = commands
            let ran = sent.compactMap { $0.first == "evalsha" && $0.count > 1 ? scripts[$0[1].lowercased()] : nil }
            #expect(ran == ["enqueue"], "the visitor's line opened, routed and told in one step: \(ran)")
            let own = [live.store.keys.chat(chat), live.store.keys.transcript(chat)]
            let reads = sent.filter { command in ["hgetall", "lrange"].contains(command[0]) && command.contains { own.contains($0) } }
            #expect(reads.isEmpty, "no read of the chat's history apart from the step: \(reads)")
        }
    }

    /// Sends `ECHO marker` and waits for MONITOR to have logged it: every command Redis took
    /// before it is in the log.
    static func mark(_ marker: String, in log: String, redis: RedisClient) async throws {
        try await poll(.seconds(60), "MONITOR to log \(marker)", every: .milliseconds(50)) {
            _ = try await redis.send("ECHO", marker)
            return ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("\"\(marker)\"")
        }
    }

    /// The commands clients sent (not those scripts ran) between the two markers, each as its
    /// words, the command's name lowercased: `1796545213.633719 [0 127.0.0.1:5000] "EVALSHA" "…"`.
    static func between(_ begin: String, _ end: String, in log: String) throws -> [[String]] {
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(whereSeparator: \.isNewline)
        guard let first = lines.firstIndex(where: { $0.contains("\"\(begin)\"") }),
            let last = lines.lastIndex(where: { $0.contains("\"\(end)\"") }), first < last
        else { return [] }
        return lines[(first + 1)..<last].compactMap { line -> [String]? in
            guard !line.contains("[0 lua]"), let close = line.firstIndex(of: "]") else { return nil }
            let words = Self.quoted(line[line.index(after: close)...])
            guard let name = words.first, name.lowercased() != "echo" else { return nil }
            return [name.lowercased()] + words.dropFirst()
        }
    }

    /// The quoted words of a MONITOR line; a backslash's next character is taken as it is.
    static func quoted(_ text: Substring) -> [String] {
        var words: [String] = [], word = "", inside = false, escaped = false
        for character in text {
            if !inside {
                if character == "\"" { inside = true; word = "" }
            } else if escaped {
                word.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                words.append(word)
                inside = false
            } else {
                word.append(character)
            }
        }
        return words
    }
}
