import ArgumentParser
import Foundation
import Logging
import Redis
import Routing
import RoutingSchema

/// `switchboard forget SUBJECT`: erasure of one person's data on request.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove everything Redis holds that identifies one visitor (erasure on request).",
        discussion: """
            SUBJECT is a visitor's JID, a web visitor id (web:…), or an e-mail address given in the web form. \
            Removes their chats' records and transcripts (open ones are closed first), visitor indexes, web \
            sessions, uploaded files, webhook deliveries and dead letters of those chats, and the queued events naming them \
            that every consumer has read. Stats keep their anonymous figures. Running it again removes nothing \
            more. Each run is audited: who, when and how many chats, never the subject.
            """
    )

    @Argument(help: "A visitor JID, a web visitor id (web:…) or an e-mail address.")
    var subject: String

    @OptionGroup var workflowOptions: WorkflowOptions

    @Flag(help: "List what would be removed, and remove nothing.")
    var dryRun = false

    @Option(help: "Who asks, for the audit log (default: $USER).")
    var actor: String = ProcessInfo.processInfo.environment["USER"].map { "operator:" + $0 } ?? "operator"

    @Option(help: "Least severe log level to print: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    func validate() throws {
        let trimmed = subject.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed == subject, subject.utf8.count <= 3071,
            !subject.contains(where: { $0.isNewline || $0 == "*" || $0 == "?" })
        else {
            throw ValidationError("SUBJECT must be one visitor JID, web visitor id or e-mail address (no spaces or wildcards)")
        }
        guard !actor.isEmpty, actor.utf8.count <= 256 else { throw ValidationError("--actor must be 1 to 256 bytes") }
    }

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "switchboard.forget")
        let workflow = try workflowOptions.load()
        let redis = RedisClient(configuration: try workflow.redis.clientConfiguration(), logger: logger)
        let store = RoutingStore(redis: redis, prefix: workflow.redis.prefix, retention: workflow.retention)
        let erasure = SubjectErasure(
            subject: subject, redis: redis, prefix: workflow.redis.prefix, uploadsDirectory: workflow.http?.uploads?.directory)
        do {
            let found = try await erasure.find()
            let verb = dryRun ? "would remove" : "removed"
            print("\(verb) \(found.chats.count) chat(s)\(found.chats.isEmpty ? "" : ": " + found.chats.joined(separator: ", "))")
            if dryRun {
                for key in found.keys.sorted() { print("  key \(key)") }
                for (key, field) in found.fields { print("  field \(key) \(field)") }
                for (key, member) in found.members { print("  member \(key) \(member)") }
                for file in found.files { print("  file \(file)") }
                print("  \(found.events.count) event(s) naming them")
            } else {
                try await erasure.erase(found, store: store)
                try await store.audit(actor: actor, .forget, fields: [("chats", String(found.chats.count))])
                print("\(found.keys.count) key(s), \(found.events.count) event(s), \(found.files.count) file(s)")
            }
            if found.unreadEvents > 0 {
                print("\(found.unreadEvents) event(s) naming them wait for a consumer (stats, webhooks): run forget again once it has read them")
            }
        } catch {
            await redis.close()
            throw error
        }
        await redis.close()
    }
}
