#if canImport(Glibc)
import Glibc
#endif

/// Restores the terminal on every way out: a normal exit (`atexit`), SIGTERM, SIGINT, SIGHUP,
/// SIGQUIT, and crashes (SIGSEGV, SIGBUS, SIGILL, SIGTRAP — Swift's traps —, SIGABRT, SIGFPE).
/// The handler only calls async-signal-safe functions (`write`, `tcsetattr`, `signal`,
/// `raise`) on memory prepared beforehand, then lets the signal do what it would have done.
enum TerminalRestore {
    /// The saved mode and escape sequence, allocated once before any handler runs.
    private struct Saved {
        var original: termios
        var sequence: UnsafeMutablePointer<UInt8>
        var length: Int
        var armed: Int32
    }

    nonisolated(unsafe) private static var saved: UnsafeMutablePointer<Saved>?

    static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    static func install(original: termios, sequence: String) {
        let bytes = Array(sequence.utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        buffer.initialize(from: bytes, count: bytes.count)
        let state = UnsafeMutablePointer<Saved>.allocate(capacity: 1)
        state.initialize(to: Saved(original: original, sequence: buffer, length: bytes.count, armed: 1))
        saved = state
        atexit { TerminalRestore.restore() }
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                TerminalRestore.restore()
                signal(number, SIG_DFL)
                raise(number)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(number, &action, nil)
        }
    }

    /// Leaves the alternate screen and restores the saved mode, once.
    static func restore() {
        guard let state = saved, state.pointee.armed == 1 else { return }
        state.pointee.armed = 0
        _ = write(STDOUT_FILENO, state.pointee.sequence, state.pointee.length)
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &state.pointee.original)
    }
}
