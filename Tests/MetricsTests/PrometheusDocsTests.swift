import Foundation
import LocalServices
import SwitchboardTesting
import Testing

/// docs/prometheus: the alert rules pass promtool's checks and unit tests, and every metric the
/// rules and the Grafana dashboard name is one the code exports, in queries Prometheus accepts.
@Suite struct PrometheusDocsTests {
    static let folder = "\(RunDirectory.repositoryRoot)/docs/prometheus"

    @Test func promtoolAcceptsTheRulesAndTheirUnitTestsPass() async throws {
        #expect(try await Self.promtool(["check", "rules", "\(Self.folder)/alerts.yml"]) == 0)
        #expect(try await Self.promtool(["test", "rules", "\(Self.folder)/alerts.test.yml"]) == 0)
    }

    @Test func theRulesAndTheDashboardNameOnlyMetricsTheCodeExports() throws {
        let exported = try Self.sourceText()
        let documents = try ["alerts.yml", "grafana-dashboard.json"].map {
            try String(contentsOfFile: "\(Self.folder)/\($0)", encoding: .utf8)
        }
        let named = Set(documents.flatMap { Self.metricNames(in: $0) })
        #expect(named.count >= 15, "\(named.sorted())")
        for name in named.sorted() {
            #expect(exported.contains("\"\(name)"), "\(name) is not exported by any part of Sources/")
        }
    }

    @Test func prometheusAcceptsEveryDashboardQuery() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.folder)/grafana-dashboard.json"))
        let dashboard = try JSONDecoder().decode(Dashboard.self, from: data)
        let queries = dashboard.panels.flatMap { $0.targets.map(\.expr) }
        #expect(queries.count >= 12)
        try await withPrometheus(job: "none", targets: []) { prometheus in
            for query in queries {
                // No series yet, so no value: what counts is that the query parses and runs.
                _ = try await prometheus.value(of: query)
            }
        }
    }

    struct Dashboard: Decodable {
        struct Panel: Decodable { var targets: [Target] }
        struct Target: Decodable { var expr: String }
        var panels: [Panel]
    }

    /// Series names as a query writes them (histograms by their family name).
    static func metricNames(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "switchboard_[a-z_]+")
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            var name = String(text[Range(match.range, in: text)!])
            for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) && !name.hasSuffix("_total") {
                name.removeLast(suffix.count)
            }
            return name
        }
    }

    static func sourceText() throws -> String {
        let sources = "\(RunDirectory.repositoryRoot)/Sources"
        let files = FileManager.default.enumerator(atPath: sources)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        return try files.map { try String(contentsOfFile: "\(sources)/\($0)", encoding: .utf8) }.joined(separator: "\n")
    }

    static func promtool(_ arguments: [String]) async throws -> Int32 {
        let log = "\(try RunDirectory.make("promtool"))/promtool.log"
        let process = try ChildProcess("/usr/bin/promtool", arguments, logFile: log)
        let status = await process.waitForExit()
        if status != 0 { Issue.record("promtool \(arguments.joined(separator: " ")):\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
        return status
    }
}
