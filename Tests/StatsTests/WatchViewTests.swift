import Foundation
import Redis
import Routing
@testable import Stats
import SwitchboardTesting
import Testing

/// `switchboard stats --watch` in a real terminal (tmux): the queue and agent tables, redrawn in place.
@Suite(.serialized) struct WatchViewTests {
    @Test func tablesRefreshInPlace() async throws {
        try await withStatsRedis { server, redis in
            let workflow = try writeStatsWorkflow(redisURL: server.url)
            let store = RoutingStore(redis: redis, prefix: "sb")
            _ = try await store.enqueue(queue: "sales", visitor: "v1@x", name: "V1\u{1B}[31m", channel: .xmpp)
            try await store.setPresence(agent: "bob@localhost", .away, grace: .seconds(60))
            let terminal = try Terminal()
            try await withCleanup {
                let binary = try SwitchboardBinary.path()
                try await terminal.start("\(binary) stats --watch --interval 0.3 --workflow \(workflow)")
                let first = try await terminal.screen("the tables with one chat waiting") { Self.waiting($0, "sales") == 1 }
                #expect(first.contains("QUEUES") && first.contains("AGENTS") && first.contains("CSAT"))
                #expect(first.contains("bob@localhost") && first.contains("away"))
                #expect(first.contains("V1?[31m"), "a visitor's control characters are shown, not obeyed")
                _ = try await store.enqueue(queue: "sales", visitor: "v2@x", name: "V2", channel: .xmpp)
                let second = try await terminal.screen("the tables with two chats waiting") { Self.waiting($0, "sales") == 2 }
                #expect(second.components(separatedBy: "QUEUES").count == 2, "redrawn in place, not scrolled")
            } cleanup: {
                await terminal.stop()
            }
        }
    }

    /// Issue 17: an empty waiting table showed its header only; the dashboard says "none".
    @Test func anEmptyTableSaysNone() async throws {
        try await withStatsRedis { server, redis in
            let workflow = try writeStatsWorkflow(redisURL: server.url)
            let terminal = try Terminal()
            try await withCleanup {
                let binary = try SwitchboardBinary.path()
                try await terminal.start("\(binary) stats --watch --interval 0.3 --workflow \(workflow)")
                let screen = try await terminal.screen("the tables with nobody waiting") { $0.contains("WAITING") && $0.contains("Waited") }
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                let header = try #require(lines.firstIndex { $0.hasPrefix("Chat") && $0.hasSuffix("Waited") }, "\(screen)")
                #expect(lines.dropFirst(header + 1).first == "none", "\(screen)")
            } cleanup: {
                await terminal.stop()
            }
        }
    }

    /// The Waiting column of `queue`'s row on the screen.
    static func waiting(_ screen: String, _ queue: String) -> Int? {
        let row = screen.split(separator: "\n").first { $0.hasPrefix(queue + " ") }
        return row.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
    }
}

/// A tmux server of the test's own (its own socket) with one 160×40 window.
final class Terminal: Sendable {
    let socket: String
    let directory: String

    init() throws {
        directory = try RunDirectory.make("tmux")
        socket = "\(directory)/tmux.sock"
    }

    func start(_ command: String) async throws {
        try await tmux(["new-session", "-d", "-s", "watch", "-x", "160", "-y", "40", command])
    }

    /// The screen once `ready` accepts it (a terminal is no event to await).
    func screen(_ what: String, _ ready: @escaping @Sendable (String) -> Bool) async throws -> String {
        try await poll(.seconds(30), what, every: .milliseconds(100)) {
            let text = try await self.tmux(["capture-pane", "-p", "-t", "watch"])
            return ready(text) ? text : nil
        }
    }

    func stop() async {
        _ = try? await tmux(["kill-server"])
    }

    @discardableResult
    private func tmux(_ arguments: [String]) async throws -> String {
        let output = "\(directory)/out-\(UUID().uuidString).txt"
        let child = try ChildProcess(try ChildProcess.executable("tmux"), ["-S", socket] + arguments, logFile: output, runDirectory: .tests)
        let status = await child.waitForExit()
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: output)
        guard status == 0 else { throw LocalServicesError.exited("tmux \(arguments.first ?? "")", status, log: text) }
        return text
    }
}
