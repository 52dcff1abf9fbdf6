import ArgumentParser
import Foundation
import Redis
import Workflow

/// The options of every command that runs on a workflow: the file, and a Redis URL that
/// overrides the file's.
struct WorkflowOptions: ParsableArguments {
    @Option(help: "The workflow file ($SB_WORKFLOW, else Workflows/default.yml).")
    var workflow: String = ProcessInfo.processInfo.environment["SB_WORKFLOW"] ?? "Workflows/default.yml"

    // A URL may hold a password: it is never a default shown by --help.
    @Option(help: "Redis URL, redis://[user:password@]host:port/db or rediss:// over TLS (default: the workflow's redis.url).")
    var redisURL: String?

    @Option(help: "PEM file of the CA that signs the Redis servers' certificates, for rediss:// (default: the workflow's redis.ca_file).")
    var redisCAFile: String?

    func validate() throws {
        if let redisURL {
            do throws(RedisURLError) { _ = try RedisURL(redisURL) } catch { throw ValidationError("--redis-url: \(error)") }
        }
    }

    /// The workflow file, checked, with `--redis-url` and `--redis-ca-file` applied.
    func load() throws -> Workflow {
        var workflow = try Self.load(self.workflow)
        if let redisURL { workflow.redis.url = redisURL }
        if let redisCAFile { workflow.redis.caFile = redisCAFile }
        return workflow
    }

    /// The workflow file at `path`, checked; every problem is in the error.
    static func load(_ path: String) throws -> Workflow {
        do throws(WorkflowErrors) {
            return try Workflow.load(path: path, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(path) is not a valid workflow:\n\(error)")
        }
    }
}
