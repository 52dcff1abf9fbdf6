import Foundation
import Synchronization

/// Where the console shows things: the full screen redraws the state; plain mode prints lines.
public protocol ConsoleDisplay: Sendable {
    func render(_ state: ConsoleState, now: Date)
    /// A line saying what happened (plain mode prints it; the full screen has it in the state).
    func announce(_ line: String)
    func bell()
    /// Forgets what is on screen: the next frame is drawn whole (Ctrl-L).
    func invalidate()
}

extension ConsoleDisplay {
    public func invalidate() {}
}

/// The full-screen display on a raw terminal: each frame writes only the rows that changed.
public final class FullScreenDisplay: ConsoleDisplay {
    let terminal: Terminal
    private let shown = Mutex<Canvas?>(nil)

    public init(terminal: Terminal) {
        self.terminal = terminal
    }

    public func render(_ state: ConsoleState, now: Date) {
        let size = terminal.size
        let (canvas, cursor) = Screen(width: size.width, height: size.height, now: now).draw(state)
        let previous = shown.withLock { shown in
            defer { shown = canvas }
            return shown
        }
        terminal.write(canvas.ansi(since: previous) + "\u{1B}[\(cursor.row + 1);\(cursor.column + 1)H\u{1B}[?25h")
    }

    public func invalidate() {
        shown.withLock { $0 = nil }
    }

    public func announce(_ line: String) {}

    public func bell() { terminal.bell() }
}

/// Plain line mode for scripts and screen readers: one line per event on standard output.
public struct PlainDisplay: ConsoleDisplay {
    public init() {}

    public func render(_ state: ConsoleState, now: Date) {}

    public func announce(_ line: String) {
        // Everything printed was cleaned of control characters by the state's sanitizer.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    public func bell() {}
}
