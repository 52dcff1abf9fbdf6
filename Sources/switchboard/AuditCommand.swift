import ArgumentParser
import Foundation
import Logging
import Redis
import Stats
import Workflow

/// `switchboard audit`: the audit log in the terminal, oldest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List agents', supervisors' and operators' actions from the audit log.",
        discussion: """
            Times are a span back from now (30m, 12h, 7d), an ISO 8601 time (2026-12-05T18:00:00Z) or seconds \
            since 1970. Entries are kept for the workflow's audit_retention (default 365d).
            """
    )

    @OptionGroup var workflowOptions: WorkflowOptions

    @Option(help: "From when (default: 24h ago).")
    var since: String = "24h"

    @Option(help: "Until when (default: now).")
    var until: String?

    @Option(help: "Only this actor's entries (a bare JID, or 'router' for reloads).")
    var actor: String?

    @Option(help: "Only this chat's entries (its id).")
    var chat: String?

    @Option(help: "At most this many entries (1 to 10000).")
    var limit = 1_000

    @Flag(help: "One JSON object per line instead of columns.")
    var json = false

    // A listing: its output is the entries, so only warnings and worse reach stderr by default.
    @Option(help: "Least severe log level to print: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    func validate() throws {
        guard AuditLog.limits.contains(limit) else { throw ValidationError("--limit must be from 1 to \(AuditLog.limits.upperBound)") }
        let now = Date()
        _ = try Self.time(since, "--since", now: now)
        if let until { _ = try Self.time(until, "--until", now: now) }
    }

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "switchboard.audit")
        let workflow = try workflowOptions.load()
        let now = Date()
        let redis = RedisClient(configuration: try workflow.redis.clientConfiguration(), logger: logger)
        let log = AuditLog(redis: redis, keys: .init(prefix: workflow.redis.prefix))
        let page: AuditLog.Page
        do {
            page = try await log.entries(
                since: try Self.time(since, "--since", now: now), until: try until.map { try Self.time($0, "--until", now: now) }
                    ?? Int64(now.timeIntervalSince1970 * 1000), actor: actor, chat: chat, limit: limit)
        } catch {
            await redis.close()
            throw error
        }
        await redis.close()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for entry in page.entries {
            if json {
                print(String(decoding: try encoder.encode(entry), as: UTF8.self))
            } else {
                let time = Date(timeIntervalSince1970: Double(entry.time) / 1000).formatted(.iso8601)
                let detail = entry.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                let chat = entry.chat.isEmpty ? "-" : "chat-\(entry.chat)"
                print([time, entry.actor, entry.action, chat, detail].joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            }
        }
        if page.next != nil, !json {
            FileHandle.standardError.write(Data("(more entries: narrow the window or raise --limit)\n".utf8))
        }
    }

    /// A time in ms since 1970: a span back from `now`, ISO 8601, or seconds since 1970.
    static func time(_ text: String, _ name: String, now: Date) throws -> Int64 {
        let nowMilliseconds = Int64(now.timeIntervalSince1970 * 1000)
        if let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds < 253_402_300_800 {
            return Int64(seconds * 1000)
        }
        if let date = try? Date(text, strategy: .iso8601) { return Int64(date.timeIntervalSince1970 * 1000) }
        if let span = try? Duration(workflowText: text, allowingDays: true), span.components.seconds < 100 * 365 * 86_400 {
            return nowMilliseconds - span.components.seconds * 1000
        }
        throw ValidationError("\(name): '\(text)' is neither a span back from now (7d, 12h), an ISO 8601 time nor seconds since 1970")
    }
}
