import Foundation
import Redis
import Routing
import Stats
import SwitchboardTesting
import Testing

/// The audit log read back: `GET /api/v1/audit` on a running `switchboard stats` (token, window,
/// filters, bounds) and `switchboard audit` in the terminal, over entries the routing scripts and
/// `RoutingStore.audit` wrote.
@Suite struct AuditAPITests {
    /// Entries of three kinds: by scripts (presence, accept, close), and a reload from Swift.
    static func writeEntries(_ redis: RedisClient) async throws -> String {
        let store = RoutingStore(redis: redis, prefix: "sb")
        try await store.setPresence(agent: "alice@localhost", .available, grace: .seconds(60))
        let chat = try await store.enqueue(queue: "support", visitor: "v1@localhost", name: "V", channel: .xmpp, message: "hi").chat
        let plan = QueuePlan(queue: "support", strategy: "longest-idle", offerTimeout: .seconds(20),
                             candidates: [.init(jid: "alice@localhost", capacity: 2)])
        _ = try await store.route([plan])
        #expect(try await store.accept(chat: chat, agent: "alice@localhost") == .done("active"))
        #expect(try await store.close(chat: chat, by: .agent, agent: "alice@localhost").succeeded)
        try await store.audit(actor: "router", .reload, fields: [("queues", "2")])
        return chat
    }

    @Test func theAPIListsFiltersAndBoundsTheAuditLog() async throws {
        try await withStatsRedis { server, redis in
            let process = try StatsProcess(workflow: try writeStatsWorkflow(redisURL: server.url))
            try await withCleanup {
                try await process.start()
                let chat = try await Self.writeEntries(redis)
                let base = process.baseURL + "/api/v1/audit"
                #expect(try await httpGet(base).status == 401)
                #expect(try await httpGet(base, token: "wrong").status == 401)

                let all = try await Self.page(base, token: StatsProcess.token)
                #expect(all.entries.map(\.action) == ["presence", "accept", "close", "reload"])
                #expect(all.entries[0].detail == ["presence": "available"] && all.entries[0].chat.isEmpty)
                #expect(all.entries[1].actor == "alice@localhost" && all.entries[1].chat == chat)
                #expect(all.entries[3].actor == "router" && all.entries[3].detail == ["queues": "2"])
                #expect(all.next == nil)

                #expect(try await Self.page(base + "?chat=\(chat)", token: StatsProcess.token).entries.map(\.action) == ["accept", "close"])
                #expect(try await Self.page(base + "?actor=router", token: StatsProcess.token).entries.map(\.action) == ["reload"])
                let first = try await Self.page(base + "?limit=1", token: StatsProcess.token)
                #expect(first.entries.map(\.action) == ["presence"])
                let next = try #require(first.next)
                #expect(try await Self.page(base + "?limit=2&after=\(next)", token: StatsProcess.token).entries.map(\.action)
                    == ["accept", "close"])
                let time = all.entries[1].time
                #expect(try await Self.page(base + "?since=\(Double(time) / 1000)&until=\(Double(time) / 1000)", token: StatsProcess.token)
                    .entries.allSatisfy { $0.time == time })
                #expect(try await Self.page(base + "?since=0&until=1", token: StatsProcess.token).entries.isEmpty, "1970 holds nothing")

                for bad in ["?limit=0", "?limit=10001", "?limit=many", "?since=soon", "?since=1e300", "?since=20&until=10",
                            "?chat=" + String(repeating: "9", count: 65), "?actor=" + String(repeating: "a", count: 1025),
                            "?after=not-an-id", "?after=1-2-3"] {
                    let answer = try await httpGet(base + bad, token: StatsProcess.token)
                    #expect(answer.status == 400, "\(bad): \(answer.status) \(answer.text)")
                }
            } cleanup: {
                await process.stop()
            }
        }
    }

    @Test func switchboardAuditPrintsTheEntries() async throws {
        try await withStatsRedis { server, redis in
            let chat = try await Self.writeEntries(redis)
            let workflow = try writeStatsWorkflow(redisURL: server.url)
            let directory = try RunDirectory.make("audit-cli")
            func audit(_ arguments: [String]) async throws -> (Int32, String) {
                let log = "\(directory)/audit-\(UInt32.random(in: 0...UInt32.max)).log"
                let child = try ChildProcess(
                    try SwitchboardBinary.path(), ["audit", "--workflow", workflow] + arguments, environment: [:],
                    currentDirectory: RunDirectory.repositoryRoot, logFile: log)
                let status = await child.waitForExit()
                return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
            }
            let (status, output) = try await audit(["--since", "1h"])
            #expect(status == 0, "\(output)")
            let lines = output.split(separator: "\n")
            try #require(lines.count == 4, "\(output)")
            #expect(lines[0].hasSuffix("alice@localhost  presence  -  presence=available"), "\(lines[0])")
            #expect(lines[1].hasSuffix("alice@localhost  accept  chat-\(chat)"), "\(lines[1])")
            #expect(lines[3].hasSuffix("router  reload  -  queues=2"), "\(lines[3])")

            let (_, json) = try await audit(["--since", "1970-01-01T00:00:00Z", "--chat", chat, "--json"])
            let entries = try json.split(separator: "\n").map { try JSONDecoder().decode(AuditEntry.self, from: Data($0.utf8)) }
            #expect(entries.map(\.action) == ["accept", "close"])

            let (refused, message) = try await audit(["--since", "yesterday-ish"])
            #expect(refused != 0)
            #expect(message.contains("--since: 'yesterday-ish' is neither"), "\(message)")
        }
    }

    static func page(_ url: String, token: String) async throws -> AuditPage {
        let answer = try await httpGet(url, token: token)
        #expect(answer.status == 200, "\(url): \(answer.text)")
        return try JSONDecoder().decode(AuditPage.self, from: answer.body)
    }
}

struct AuditPage: Decodable {
    var entries: [AuditEntry]
    var next: String?
}
