import Foundation
import LocalServices
import Synchronization

/// `switchboard SUBCOMMAND …` as a process of its own (the built debug binary), so a test can
/// SIGKILL it like a crash would, signal it, and wait for a line in its log.
public final class SwitchboardProcess: Sendable {
    public let arguments: [String]
    public let environment: [String: String]
    public let log: String
    /// The log line that says it is up.
    public let ready: String
    private let process = Mutex<ChildProcess?>(nil)

    public init(_ arguments: [String], environment: [String: String] = [:], ready: String) throws {
        self.arguments = arguments
        self.environment = environment
        self.ready = ready
        log = "\(try RunDirectory.make(arguments.first ?? "switchboard"))/\(arguments.first ?? "switchboard").log"
    }

    /// Starts it and waits until its log says it is ready (once more than before: the log is
    /// kept across restarts, and a run killed early may never have said so).
    public func start() async throws {
        let before = occurrences(ready)
        try launch()
        try await waitForLog(ready, count: before + 1)
    }

    /// Starts it without waiting.
    public func launch() throws {
        let child = try ChildProcess(
            try SwitchboardBinary.path(), arguments, environment: environment, logFile: log, runDirectory: .tests)
        process.withLock { $0 = child }
    }

    /// How many times `text` stands in the log now.
    public func occurrences(_ text: String) -> Int {
        ((try? String(contentsOfFile: log, encoding: .utf8))?.components(separatedBy: text).count ?? 1) - 1
    }

    /// Waits until `text` stands `count` times in the log.
    public func waitForLog(_ text: String, count: Int = 1) async throws {
        // A line in another process's log is no event this process can await.
        try await poll(.seconds(60), "'\(text)' ×\(count) in the log of switchboard \(arguments.first ?? "")", every: .milliseconds(10)) {
            if self.occurrences(text) >= count { return true }
            if let child = self.process.withLock({ $0 }), !child.isRunning {
                throw LocalServicesError.exited("switchboard \(self.arguments.first ?? "")", await child.waitForExit(), log: self.log)
            }
            return false
        }
    }

    public func kill() async {
        guard let child = process.withLock({ $0 }) else { return }
        child.signal(SIGKILL)
        await child.waitForExit()
    }

    /// Waits for the process to end; its exit status, or nil if it was never started.
    public func waitForExit() async -> Int32? {
        guard let child = process.withLock({ $0 }) else { return nil }
        return await child.waitForExit()
    }

    public func signal(_ signal: Int32) {
        process.withLock { $0 }?.signal(signal)
    }

    public func stop() async {
        await process.withLock { $0 }?.stop()
    }
}
