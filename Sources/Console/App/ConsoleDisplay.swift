import Foundation

/// Where the console shows things: the full screen redraws the state; plain mode prints lines.
public protocol ConsoleDisplay: Sendable {
    func render(_ state: ConsoleState, now: Date)
    /// A line saying what happened (plain mode prints it; the full screen has it in the state).
    func announce(_ line: String)
    func bell()
}

/// The full-screen display on a raw terminal.
public struct FullScreenDisplay: ConsoleDisplay {
    let terminal: Terminal

    public init(terminal: Terminal) {
        self.terminal = terminal
    }

    public func render(_ state: ConsoleState, now: Date) {
        let size = terminal.size
        let (canvas, cursor) = Screen(width: size.width, height: size.height, now: now).draw(state)
        terminal.show(canvas, cursor: cursor)
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
