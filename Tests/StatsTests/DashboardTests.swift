import Foundation
import Redis
import Routing
@testable import Stats
import SwitchboardTesting
import Testing

/// The dashboard in headless Chromium, and what it does with text a visitor chose.
@Suite(.serialized) struct DashboardTests {
    /// A visitor's display name made to break out of the page.
    static let hostileName = #"<script>alert("x")</script><img src=x onerror=alert(1)>Eve & co"#

    /// The scripted scenario, moved to end ten minutes ago, so it falls in the dashboard's hours.
    static func recentEvents(now: Int64) -> [ScriptedEvent] {
        ScriptedScenario.events.map { event in
            var moved = event
            moved.ts = event.ts - ScriptedScenario.start + now - 10 * 60_000
            return moved
        }
    }

    func withDashboard(_ body: (StatsProcess, RoutingStore) async throws -> Void) async throws {
        try await withStatsRedis { server, redis in
            let keys = StatsKeys(prefix: "sb")
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let store = RoutingStore(redis: redis, prefix: "sb")
            _ = try await store.enqueue(queue: "sales", visitor: "eve@x", name: Self.hostileName, channel: .web, message: "hi")
            try await store.setPresence(agent: "alice@localhost", .available, grace: .seconds(60))
            try await Self.recentEvents(now: now).writeBatched(to: redis, stream: keys.events)
            let process = try StatsProcess(workflow: try writeStatsWorkflow(redisURL: server.url))
            try await withCleanup {
                try await process.start()
                try await waitUntilApplied(redis, keys)
                try await body(process, store)
            } cleanup: {
                await process.stop()
            }
        }
    }

    @Test func visitorTextIsEscaped() async throws {
        try await withDashboard { service, _ in
            let page = try await httpGet(service.baseURL + "/dashboard", token: StatsProcess.token)
            #expect(page.status == 200 && page.contentType == "text/html; charset=utf-8")
            #expect(page.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;Eve &amp; co"))
            #expect(!page.text.contains("<script"), "no script at all, the visitor's least of all")
            #expect(!page.text.contains("<img"))
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "nothing loaded from elsewhere")
        }
    }

    @Test func rendersInHeadlessChromiumWithTablesAndCharts() async throws {
        try await withDashboard { service, _ in
            let directory = try RunDirectory.make("chromium")
            let url = service.baseURL + "/dashboard?token=\(StatsProcess.token)"
            let screenshot = "\(directory)/dashboard.png"
            // One browser run both renders the screenshot and dumps the document it rendered.
            let dom = try await Chromium.run(["--screenshot=\(screenshot)", "--window-size=1300,1600", "--dump-dom", url], in: directory)
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG screenshot")

            for table in ["queues", "agents", "waiting"] { #expect(dom.contains("<table id=\"\(table)\">"), "the \(table) table") }
            #expect(dom.contains("<td>sales</td>") && dom.contains("<td>alice@localhost</td>"))
            // Ratings: sales' last ones are 5 and 3.
            #expect(dom.contains("<th>CSAT</th>") && dom.contains("<td>4.0 (2)</td>"))
            #expect(dom.components(separatedBy: "<svg class=\"chart\"").count == 3, "two charts")
            #expect(dom.contains("<polyline"), "the charts have lines: the scenario's waits and responses")
            // The rendered document holds the visitor's name as text, never as elements.
            #expect(dom.contains("Eve &amp; co") && !dom.contains("<script") && !dom.contains("<img"))
        }
    }
}

/// Debian's Chromium, headless, with a profile of its own in the test's folder.
enum Chromium {
    /// Runs Chromium with `arguments` and returns what it wrote to standard output.
    @discardableResult
    static func run(_ arguments: [String], in directory: String) async throws -> String {
        let binary = try ChildProcess.executable("chromium")
        let output = "\(directory)/stdout-\(UUID().uuidString).txt"
        // Its standard output alone (the DOM), apart from the noise it logs on standard error.
        let command = ([binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(directory)/profile"]
            + arguments).map(quote).joined(separator: " ") + " > \(quote(output))"
        let child = try ChildProcess("/bin/sh", ["-c", command], logFile: "\(directory)/chromium.log", runDirectory: .tests)
        let status = try await within(.seconds(120), "headless Chromium") { await child.waitForExit() }
        guard status == 0 else { throw LocalServicesError.exited("chromium", status, log: "\(directory)/chromium.log") }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    private static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
