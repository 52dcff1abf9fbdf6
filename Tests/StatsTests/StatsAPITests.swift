import Foundation
import Redis
import Routing
@testable import Stats
import SwitchboardTesting
import Testing

/// The HTTP API of a running `switchboard stats`: the token, the figures, the live tables.
@Suite struct StatsAPITests {
    /// Runs `body` with a Redis, a workflow and a started stats service on it.
    func withService<Result: Sendable>(
        extraArguments: [String] = [], _ body: (StatsProcess, RedisClient) async throws -> Result
    ) async throws -> Result {
        try await withStatsRedis { server, redis in
            let process = try StatsProcess(workflow: try writeStatsWorkflow(redisURL: server.url), extraArguments: extraArguments)
            return try await withCleanup {
                try await process.start()
                return try await body(process, redis)
            } cleanup: {
                await process.stop()
            }
        }
    }

    @Test func everyPathButOpenMetricsAsksForTheToken() async throws {
        try await withService { (service: StatsProcess, _: RedisClient) async throws in
            for path in ["/api/v1/queues", "/api/v1/agents", "/api/v1/stats", "/dashboard", "/metrics"] {
                #expect(try await httpGet(service.baseURL + path).status == 401, "\(path) without a token")
                #expect(try await httpGet(service.baseURL + path, token: "wrong").status == 401, "\(path) with a wrong token")
                #expect(try await httpGet(service.baseURL + path, token: StatsProcess.token).status == 200, "\(path) with the token")
            }
            #expect(try await httpGet(service.baseURL + "/dashboard?token=nope").status == 401)
            // Opened with ?token=, the dashboard moves the token into an HttpOnly cookie and off its address.
            let opened = try await httpGet(service.baseURL + "/dashboard?token=\(StatsProcess.token)&hours=2", followRedirects: false)
            #expect(opened.status == 303 && opened.location == "/dashboard?hours=2")
            #expect(opened.setCookie == "sb_stats_token=\(StatsProcess.token); Path=/; HttpOnly; SameSite=Strict")
            #expect(try await httpGet(service.baseURL + "/dashboard", cookie: "sb_stats_token=\(StatsProcess.token)").status == 200)
            #expect(try await httpGet(service.baseURL + "/dashboard", cookie: "sb_stats_token=nope").status == 401)
            #expect(try await httpGet(service.baseURL + "/api/v1/queues?token=\(StatsProcess.token)").status == 401, "query tokens only open the dashboard")
        }
        try await withService(extraArguments: ["--open-metrics"]) { (service: StatsProcess, _: RedisClient) async throws in
            #expect(try await httpGet(service.baseURL + "/metrics").status == 200)
            #expect(try await httpGet(service.baseURL + "/api/v1/stats").status == 401)
        }
    }

    @Test func refusesToServeWithoutAToken() async throws {
        try await withStatsRedis { server, _ in
            let process = try SwitchboardProcess(
                ["stats", "--workflow", try writeStatsWorkflow(redisURL: server.url), "--token-env", "SB_TEST_NO_SUCH_TOKEN"],
                ready: "stats ready")
            try process.launch()
            let status = try await within(.seconds(30), "the service to give up") { await process.waitForExit() }
            #expect(status != 0)
            #expect(try String(contentsOfFile: process.log, encoding: .utf8).contains("the stats API needs a bearer token"))
        }
    }

    @Test func theWorkflowGivesAddressTokenAndOpenMetrics() async throws {
        try await withStatsRedis { server, _ in
            let port = try Ports.free()
            let workflow = try writeStatsWorkflow(
                redisURL: server.url,
                sections: "stats: { listen: \"127.0.0.1:\(port)\", token: \"${SB_TEST_WORKFLOW_TOKEN}\", open_metrics: true }")
            let process = try SwitchboardProcess(
                ["stats", "--workflow", workflow, "--token-env", "SB_TEST_NO_SUCH_TOKEN"],
                environment: ["SB_TEST_WORKFLOW_TOKEN": "workflow-token-0123456789"], ready: "stats ready")
            try await withCleanup {
                try await process.start()
                let base = "http://127.0.0.1:\(port)"
                #expect(try await httpGet(base + "/api/v1/queues").status == 401)
                #expect(try await httpGet(base + "/api/v1/queues", token: "workflow-token-0123456789").status == 200)
                #expect(try await httpGet(base + "/metrics").status == 200, "open_metrics: true")
                #expect(try !String(contentsOfFile: process.log, encoding: .utf8).contains("workflow-token-0123456789"))
            } cleanup: {
                await process.stop()
            }
        }
    }

    @Test func stopsGracefullyOnSIGTERM() async throws {
        try await withService { service, _ in
            service.process.signal(SIGTERM)
            let status = try await within(.seconds(30), "the service to exit") { await service.process.waitForExit() }
            #expect(status == 0)
        }
    }

    @Test func statsOverHTTPAreTheScriptedFigures() async throws {
        try await withService { service, redis in
            let keys = StatsKeys(prefix: "sb")
            try await waitUntilApplied(redis, keys, last: try await ScriptedScenario.events.writeBatched(to: redis, stream: keys.events))
            let start = ScriptedScenario.start / 1000
            let window = try StatsWindow(sinceMilliseconds: ScriptedScenario.start, untilMilliseconds: ScriptedScenario.start + 180_000)
            for queue in [nil, "support"] {
                let answer = try await httpGet(
                    service.baseURL + "/api/v1/stats?since=\(start)&until=\(start + 180)" + (queue.map { "&queue=\($0)" } ?? ""),
                    token: StatsProcess.token)
                #expect(answer.status == 200 && answer.contentType == "application/json")
                let report = try JSONDecoder().decode(StatsReport.self, from: answer.body)
                #expect(report == (try await StatsReader(redis: redis, keys: keys).report(window, queue: queue)))
            }
            // ISO 8601 works too; an empty timing is all nulls, not missing fields.
            let iso = try await httpGet(
                service.baseURL + "/api/v1/stats?since=2027-01-15T08:00:00Z&until=2027-01-15T08:03:00Z&queue=support",
                token: StatsProcess.token)
            let json = try #require(try JSONSerialization.jsonObject(with: iso.body) as? [String: Any])
            let overall = try #require(json["overall"] as? [String: Any])
            #expect(overall["offered"] as? Int == 4 && overall["sla_percent"] as? Double == 100)
            let firstResponse = try #require(overall["first_response"] as? [String: Any])
            #expect(firstResponse["count"] as? Int == 1 && firstResponse["p99"] as? Double == 0.7)
            let empty = try await httpGet(service.baseURL + "/api/v1/stats?queue=none&since=\(start)&until=\(start + 60)", token: StatsProcess.token)
            #expect(empty.text.contains(#""wait":{"count":0,"max":null,"mean":null,"p50":null,"p90":null,"p99":null}"#))
            #expect(empty.text.contains(#""sla_percent":null"#))
            #expect(try await httpGet(service.baseURL + "/api/v1/stats?since=yesterday", token: StatsProcess.token).status == 400)
            #expect(try await httpGet(service.baseURL + "/api/v1/stats?since=100&until=50", token: StatsProcess.token).status == 400)
        }
    }

    /// Times at the edges of what a number can hold are refused with 400; the service stays up.
    @Test func timesBeyondAnyCalendarAreRefusedAndTheServiceStays() async throws {
        try await withService { (service: StatsProcess, _: RedisClient) async throws in
            for query in [
                "since=1e300", "until=1e300", "since=-1e300", "until=9223372036854775807",
                "since=-9223372036854775808&until=9223372036854775807", "since=-9223372036854775&until=9223372036854775",
                "since=9223372036854775&until=9223372036854776", "until=-9223372036854775",
            ] {
                let answer = try await httpGet(service.baseURL + "/api/v1/stats?" + query, token: StatsProcess.token)
                #expect(answer.status == 400, "\(query): \(answer.status) \(answer.text)")
            }
            #expect(try await httpGet(service.baseURL + "/dashboard?hours=9223372036854775807", token: StatsProcess.token).status == 200)
            #expect(try await httpGet(service.baseURL + "/api/v1/stats", token: StatsProcess.token).status == 200, "still serving")
        }
    }

    @Test func liveTablesComeFromTheRoutingState() async throws {
        try await withService { service, redis in
            let store = RoutingStore(redis: redis, prefix: "sb")
            for index in 1...3 {
                _ = try await store.enqueue(queue: "sales", visitor: "v\(index)@x", name: "Visitor \(index)", channel: .xmpp, message: "hi")
            }
            try await store.setPresence(agent: "alice@localhost", .available, grace: .seconds(60))
            try await store.setPresence(agent: "bob@localhost", .away, grace: .seconds(60))
            let given = try await store.route([QueuePlan(queue: "sales", strategy: "longest-idle", candidates: [.init(jid: "alice@localhost", capacity: 1)])])
            #expect(given.count == 1)

            let queues = try JSONDecoder().decode(QueuesAnswer.self, from: try await httpGet(service.baseURL + "/api/v1/queues", token: StatsProcess.token).body)
            let sales = try #require(queues.queues.first { $0.name == "sales" })
            #expect(sales.waiting == 2 && sales.activeChats == 1 && sales.offeredChats == 0)
            #expect((sales.oldestWait ?? -1) >= 0)
            // alice holds one chat of the three she may (max_chats): still available; bob is away.
            #expect(sales.agentsAvailable == 1 && sales.agentsAway == 1 && sales.agentsBusy == 0 && sales.agentsOffline == 0)
            let support = try #require(queues.queues.first { $0.name == "support" })
            #expect(support.waiting == 0 && support.oldestWait == nil && support.agentsAway == 1 && support.agentsOffline == 1)
            #expect(try await httpGet(service.baseURL + "/api/v1/queues", token: StatsProcess.token).text.contains("\"oldest_wait\":null"))
            #expect(queues.waitingChats.map(\.visitor) == ["Visitor 2", "Visitor 3"])

            let agents = try JSONDecoder().decode(AgentsAnswer.self, from: try await httpGet(service.baseURL + "/api/v1/agents", token: StatsProcess.token).body)
            #expect(agents.agents.map(\.presence) == ["available", "away", "offline"])
            #expect(agents.agents.map(\.activeChats) == [1, 0, 0])
            // The service applied the routing's own events: alice answered one chat today.
            try await waitUntilApplied(redis, StatsKeys(prefix: "sb"))
            let again = try JSONDecoder().decode(AgentsAnswer.self, from: try await httpGet(service.baseURL + "/api/v1/agents", token: StatsProcess.token).body)
            #expect(again.agents.map(\.chatsToday) == [1, 0, 0])
        }
    }

    @Test func metricsParseWithPrometheusClient() async throws {
        try await withService(extraArguments: ["--open-metrics"]) { service, redis in
            let keys = StatsKeys(prefix: "sb")
            try await waitUntilApplied(redis, keys, last: try await ScriptedScenario.events.writeBatched(to: redis, stream: keys.events))
            let answer = try await httpGet(service.baseURL + "/metrics")
            #expect(answer.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            let parsed = try await PrometheusParser.parse(answer.text)
            // Conventions: counters end in _total, timings are histograms in seconds.
            for family in parsed.families where family.type == "counter" { #expect(family.samples.allSatisfy { $0.name.hasSuffix("_total") }, "\(family.name)") }
            for family in parsed.families where family.type == "histogram" { #expect(family.name.hasSuffix("_seconds"), "\(family.name)") }
            #expect(parsed.value("switchboard_chats_offered_total", ["queue": "sales"]) == 7)
            #expect(parsed.value("switchboard_chats_abandoned_after_sla_total", ["queue": "sales"]) == 1)
            #expect(parsed.value("switchboard_wait_seconds_count", ["queue": "sales"]) == 6)
            #expect(parsed.value("switchboard_wait_seconds_sum", ["queue": "sales"]) == 51.5)
            #expect(parsed.value("switchboard_wait_seconds_bucket", ["queue": "sales", "le": "5.0"]) == 4)
            #expect(parsed.value("switchboard_wait_seconds_bucket", ["queue": "sales", "le": "+Inf"]) == 6)
            #expect(parsed.value("switchboard_queue_waiting", ["queue": "support"]) == 0)
            // Every rating taken counts, chat 1's replaced 4 too.
            #expect(parsed.value("switchboard_csat_ratings_total", ["queue": "sales", "score": "4"]) == 1)
            #expect(parsed.value("switchboard_csat_ratings_total", ["queue": "sales", "score": "5"]) == 1)
            #expect(parsed.value("switchboard_csat_ratings_total", ["queue": "support", "score": "2"]) == 1)
            #expect(parsed.value("switchboard_csat_ratings_total", ["queue": "support", "score": "1"]) == 0)
            #expect(parsed.value("switchboard_agent_presence", ["agent": "alice@localhost", "presence": "offline"]) == 1)
            #expect(parsed.value("switchboard_agent_presence", ["agent": "alice@localhost", "presence": "available"]) == 0)
        }
    }
}

/// Waits until the stats cursor reached `last` (default: the stream's last entry).
func waitUntilApplied(_ redis: RedisClient, _ keys: StatsKeys, last: String? = nil) async throws {
    let target: String
    if let last { target = last } else {
        target = try await redis.send("XREVRANGE", keys.events, "+", "-", "COUNT", "1").array?.first?.array?.first?.string ?? "0-0"
    }
    // The cursor is written by another process: there is no event to await.
    try await poll(.seconds(60), "the stats service to apply up to \(target)", every: .milliseconds(10)) {
        try await redis.send("GET", keys.applied).string == target
    }
}

struct QueuesAnswer: Decodable {
    var queues: [QueueNow]
    var waitingChats: [WaitingChat]
    enum CodingKeys: String, CodingKey { case queues, waitingChats = "waiting_chats" }
}

struct AgentsAnswer: Decodable {
    var agents: [AgentNow]
}
