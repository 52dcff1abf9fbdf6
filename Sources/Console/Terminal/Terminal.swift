import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why the terminal could not be set up.
public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case attributes(Int32)

    public var description: String {
        switch self {
        case .notATerminal: "standard input and output must be a terminal (use --plain for scripts)"
        case .attributes(let code): "cannot set the terminal's mode: \(String(cString: strerror(code)))"
        }
    }
}

/// The terminal the full-screen console draws on: raw mode, the alternate screen, bracketed
/// paste, and its size. `TerminalRestore` puts it back on every way out.
public final class Terminal: Sendable {
    public init() throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { throw .attributes(errno) }
        TerminalRestore.install(original: original, sequence: Self.leave)
        var raw = original
        // Raw: bytes as typed, no echo, no signals from ^C/^Z (the console reads them as keys).
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0 else { throw .attributes(errno) }
        write(Self.enter)
    }

    /// Alternate screen, bracketed paste on, screen cleared.
    static let enter = "\u{1B}[?1049h\u{1B}[?2004h\u{1B}[H\u{1B}[2J"
    /// Bracketed paste off, colours reset, main screen back, cursor shown (after the switch:
    /// leaving the alternate screen restores the cursor state saved on entering it).
    static let leave = "\u{1B}[?2004l\u{1B}[0m\u{1B}[?1049l\u{1B}[?25h"

    /// Columns and rows now.
    public var size: (width: Int, height: Int) {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return (80, 24) }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// Writes everything, retrying short writes.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Rings the bell (a new offer).
    public func bell() { write("\u{07}") }

    /// Puts the terminal back as it was.
    public func restore() { TerminalRestore.restore() }

    /// Key presses, read from standard input on a thread of their own.
    public func keys() -> AsyncStream<[Key]> {
        let (stream, continuation) = AsyncStream<[Key]>.makeStream()
        let thread = Thread {
            var decoder = KeyDecoder()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let keys = decoder.feed(buffer[0..<count])
                if !keys.isEmpty { continuation.yield(keys) }
            }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
