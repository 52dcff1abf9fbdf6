import Foundation
import SwitchboardTesting

/// The Prometheus text format as Python's `prometheus_client` parser reads it (installed by
/// Scripts/setup): a second opinion on `/metrics` from the reference implementation.
struct PrometheusParser {
    struct Family: Decodable {
        var name: String
        var type: String
        var samples: [Sample]
    }

    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var families: [Family]

    func value(_ name: String, _ labels: [String: String]) -> Double? {
        families.flatMap(\.samples).first { $0.name == name && $0.labels == labels }?.value
    }

    static let script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        text = open(sys.argv[1]).read()
        families = [{"name": f.name, "type": f.type,
                     "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]}
                    for f in text_string_to_metric_families(text)]
        open(sys.argv[2], "w").write(json.dumps(families))
        """

    /// Parses `text`; throws when the parser refuses it.
    static func parse(_ text: String) async throws -> PrometheusParser {
        let directory = try RunDirectory.make("prometheus")
        let input = "\(directory)/metrics.txt", output = "\(directory)/families.json", program = "\(directory)/parse.py"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        try script.write(toFile: program, atomically: true, encoding: .utf8)
        let child = try ChildProcess(try await python(), [program, input, output], logFile: "\(directory)/parse.log")
        let status = await child.waitForExit()
        guard status == 0 else {
            throw LocalServicesError.exited("prometheus_client parser: \((try? String(contentsOfFile: "\(directory)/parse.log", encoding: .utf8)) ?? "")", status)
        }
        return PrometheusParser(families: try JSONDecoder().decode([Family].self, from: Data(contentsOf: URL(fileURLWithPath: output))))
    }

    /// The first Python that has prometheus_client: the one on PATH (pip), or Debian's (apt).
    static func python() async throws -> String {
        for candidate in [try? ChildProcess.executable("python3"), "/usr/bin/python3"].compactMap({ $0 }) {
            guard let check = try? ChildProcess(candidate, ["-c", "import prometheus_client"]) else { continue }
            if await check.waitForExit() == 0 { return candidate }
        }
        throw LocalServicesError.missing("no python3 with prometheus_client: run Scripts/setup")
    }
}
