import Foundation

/// The log of a server a program started, read from where it ended when the server started.
///
/// A server's own log is the proof that it listens: a port that accepts connections may belong to
/// another program that took the port first (another test or bench process, or an earlier server).
public struct ServerLog: Sendable {
    public let path: String
    private let start: Int

    /// The log at `path`; what it holds already (an earlier start's lines) is not read.
    public init(_ path: String) {
        self.path = path
        start = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// What was logged since `init`.
    public func text() -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(start))
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// Waits until `isReady` finds `process` ready in the text logged so far. `isReady` throws to
    /// report a failure the log shows (its port in use); if `process` exits before it is ready,
    /// this throws `LocalServicesError.exited`.
    public func waitUntilReady(
        _ process: ChildProcess, timeout: Duration = .seconds(60), _ isReady: (String) throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Looked at before the log: a process that has exited has written all it will.
            let exited = !process.isRunning
            if try isReady(text()) { return }
            if exited { throw LocalServicesError.exited(process.name, await process.waitForExit(), log: path) }
            guard ContinuousClock.now < deadline else {
                throw LocalServicesError.timeout("\(process.name) not ready after \(timeout) (log: \(path))")
            }
            // A log gives no event to await from outside the process: poll briefly.
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
