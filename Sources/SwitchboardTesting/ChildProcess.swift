import Foundation
import Synchronization

/// A process a test started, stopped by its PID when the test is done.
public final class ChildProcess: Sendable {
    public let pid: Int32
    public let name: String
    private let process: Process
    private let state = Box()

    private struct State {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private final class Box: Sendable {
        let mutex = Mutex<State>(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    /// Starts `executable` with its output appended to `logFile` (or discarded).
    public init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: String? = nil,
        logFile: String? = nil
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let currentDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        }
        let output: FileHandle
        if let logFile {
            FileManager.default.createFile(atPath: logFile, contents: nil)
            output = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
            output.seekToEndOfFile()
        } else {
            output = FileHandle.nullDevice
        }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        self.process = process
        self.name = (executable as NSString).lastPathComponent
        let state = self.state
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            let waiters = state.withLock { state in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
        Self.keepDescriptorsFromChildren()
        try Self.withSignalsUnblocked { try process.run() }
        self.pid = process.processIdentifier
    }

    // SwiftNIO's sockets (and raw test sockets) are not close-on-exec, and Process passes every open
    // descriptor on: a child would hold other tests' connections open, so their peers never saw them
    // close. A descriptor opened by another thread after this sweep can still slip through.
    private static func keepDescriptorsFromChildren() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in entries.compactMap({ Int32($0) }) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 {
                _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC)
            }
        }
    }

    // The threads of Swift's concurrency pool block asynchronous signals, and a spawned process
    // inherits its spawning thread's mask: without this a child never sees SIGTERM (redis-server
    // then only dies by the SIGKILL that follows the grace period).
    private static func withSignalsUnblocked<R>(_ body: () throws -> R) rethrows -> R {
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    public var isRunning: Bool { state.withLock { $0.status == nil } }

    /// Sends a signal to the process (SIGKILL to simulate a crash).
    public func signal(_ signal: Int32) {
        if isRunning { _ = kill(pid, signal) }
    }

    /// Waits for the process to exit and returns its status.
    @discardableResult
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = state.withLock { state in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Stops the process: SIGTERM, then SIGKILL if it has not exited within `grace`.
    public func stop(grace: Duration = .seconds(5)) async {
        guard isRunning else { return }
        signal(SIGTERM)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitForExit(); return true }
            group.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            if await group.next() == false {
                self.signal(SIGKILL)
                await self.waitForExit()
            }
            group.cancelAll()
        }
    }
}
