import Foundation
import Synchronization

/// A program started as a child process (a server, a tool), stopped by its PID when done.
///
/// Started with `posix_spawn` and an empty signal mask and default signal handlers: a child
/// inherits both from the spawning thread, and test runners' threads block SIGTERM, which
/// would make the child deaf to a polite stop.
public final class ChildProcess: Sendable {
    public let pid: Int32
    public let name: String
    private let state = Box()

    private struct State {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private final class Box: Sendable {
        let mutex = Mutex<State>(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    /// Starts `executable` (a path) with its output appended to `logFile` (or discarded).
    /// `runDirectory`: the run directory it belongs to, marked in its environment
    /// (`RunDirectory.mark`) so a clean-up can find it if this program dies first.
    public init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: String? = nil,
        logFile: String? = nil,
        runDirectory: RunDirectory? = nil
    ) throws {
        name = (executable as NSString).lastPathComponent
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // posix_spawn_file_actions_addchdir_np is not visible to Swift: a shell changes directory, then execs.
        let command = currentDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, executable] } ?? [executable]
        let merged = ProcessInfo.processInfo.environment
            .merging(runDirectory?.mark ?? [:]) { $1 }
            .merging(environment) { $1 }
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        Self.keepDescriptorsFromChildren()
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw LocalServicesError.system("posix_spawn \(executable)", result) }
        self.pid = pid
        let child = pid

        // Reap the child on a thread of its own, so its exit can be awaited.
        let state = self.state
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            // Exit code, or 128 + the signal that ended it, as shells report it.
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            let waiters = state.withLock { state in
                state.status = code
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: code) }
        }
    }

    // SwiftNIO's sockets are not close-on-exec, and a child inherits every such descriptor: it
    // would hold other tests' connections open, so their peers never saw them close. A
    // descriptor another thread opens after this sweep can still slip through.
    private static func keepDescriptorsFromChildren() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in entries.compactMap({ Int32($0) }) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
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
