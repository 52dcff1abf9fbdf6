import Foundation
import LocalServices
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A throwaway Prometheus (Debian's `prometheus`) on a free loopback port, scraping the given
/// targets every second, with its data in a folder of `.run/tests`. Stopped by its PID.
public final class PrometheusServer: Sendable {
    public let port: Int
    private let process: ChildProcess

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, process: ChildProcess) {
        self.port = port
        self.process = process
    }

    /// Starts a server scraping `targets` (`host:port`, path `/metrics`) as job `job`, and waits
    /// until it serves queries.
    public static func start(job: String, targets: [String]) async throws -> PrometheusServer {
        let executable = "/usr/bin/prometheus"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw LocalServicesError.missing("prometheus is not installed (Scripts/setup installs it)")
        }
        for attempt in 1...3 {
            let port = try Ports.free()
            let directory = try RunDirectory.tests.newFolder("prometheus-\(port)")
            let quoted = targets.map { "'\($0)'" }.joined(separator: ", ")
            let configuration = """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: '\(job)'
                    static_configs:
                      - targets: [\(quoted)]

                """
            try configuration.write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
            let log = ServerLog("\(directory)/prometheus.log")
            let process = try ChildProcess(
                executable,
                [
                    "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                    "--web.listen-address=127.0.0.1:\(port)", "--log.level=info",
                ],
                currentDirectory: directory, logFile: log.path, runDirectory: .tests)
            do {
                try await log.waitUntilReady(process, timeout: .seconds(60)) { text in
                    if text.contains("address already in use") { throw LocalServicesError.portInUse(process.name, port: port, log: log.path) }
                    return text.contains("Server is ready to receive web requests")
                }
                return PrometheusServer(port: port, process: process)
            } catch LocalServicesError.portInUse where attempt < 3 {
                await process.stop()
                continue
            } catch {
                await process.stop()
                throw error
            }
        }
        preconditionFailure("the third attempt returns or throws")
    }

    /// The value of an instant PromQL query that yields one sample; nil while it yields none
    /// (a scrape not made yet). Throws on a query Prometheus refuses.
    public func value(of query: String) async throws -> Double? {
        var components = URLComponents(string: "\(url)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: query)]
        let (data, _) = try await URLSession.shared.data(from: components.url!)
        let answer = try JSONDecoder().decode(QueryAnswer.self, from: data)
        guard answer.status == "success", let data = answer.data else {
            throw PrometheusQueryError(query: query, error: answer.error ?? "status \(answer.status)")
        }
        guard let sample = data.result.first, sample.value.count == 2 else { return nil }
        return Double(sample.value[1].text)
    }

    private struct QueryAnswer: Decodable {
        struct Data: Decodable { var result: [Sample] }
        struct Sample: Decodable { var value: [Scalar] }
        /// `[unix time, "value"]`: a number, then a string.
        struct Scalar: Decodable {
            var text: String
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) {
                    self.text = text
                } else {
                    text = String(try container.decode(Double.self))
                }
            }
        }
        var status: String
        var data: Data?
        var error: String?
    }

    public func stop() async {
        await process.stop()
    }
}

/// Runs `body` with a Prometheus scraping `targets`, stopped afterwards by its PID, also when `body` throws.
public func withPrometheus<Result: Sendable>(
    job: String, targets: [String], _ body: (PrometheusServer) async throws -> Result
) async throws -> Result {
    let server = try await PrometheusServer.start(job: job, targets: targets)
    return try await withCleanup { try await body(server) } cleanup: { await server.stop() }
}

/// A PromQL query Prometheus refused, with its reason.
public struct PrometheusQueryError: Error, CustomStringConvertible {
    public let query: String
    public let error: String
    public var description: String { "Prometheus refused '\(query)': \(error)" }
}
