import Dispatch
import Foundation

/// Runs the console: full screen on a terminal, or plain lines for scripts and screen readers.
public enum ConsoleApp {
    /// The full-screen console until the agent quits; the terminal is restored on every way out.
    public static func runFullScreen(session: AgentSession) async throws {
        let terminal = try Terminal()
        defer { terminal.restore() }
        let (quit, quitting) = AsyncStream<Void>.makeStream()
        let controller = ConsoleController(session: session, display: FullScreenDisplay(terminal: terminal)) { quitting.finish() }
        await controller.redraw()
        let resize = DispatchSource.makeSignalSource(signal: SIGWINCH)
        resize.setEventHandler { Task { await controller.redraw() } }
        resize.resume()
        defer { resize.cancel() }
        await run(session: session, controller: controller, quit: quit) { group in
            group.addTask { for await keys in terminal.keys() { await controller.keys(keys) } }
        }
    }

    /// Plain line mode: events printed as lines, commands (and replies) read from standard input.
    public static func runPlain(session: AgentSession) async {
        let (quit, quitting) = AsyncStream<Void>.makeStream()
        let controller = ConsoleController(session: session, display: PlainDisplay()) { quitting.finish() }
        await run(session: session, controller: controller, quit: quit) { group in
            group.addTask {
                for await line in standardInputLines() { await controller.line(line) }
                quitting.finish()  // end of input ends the session
            }
        }
    }

    private static func run(
        session: AgentSession, controller: ConsoleController, quit: AsyncStream<Void>,
        input: (inout TaskGroup<Void>) -> Void
    ) async {
        // Session events in order, through one stream.
        let (events, reporting) = AsyncStream<SessionEvent>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await session.run { reporting.yield($0) }
                reporting.finish()
            }
            group.addTask { for await event in events { await controller.sessionEvent(event) } }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    await controller.tick()
                }
            }
            input(&group)
            for await _ in quit {}
            group.cancelAll()
        }
    }

    /// Lines of standard input, read on a thread of their own.
    static func standardInputLines() -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream<String>.makeStream()
        Thread {
            while let line = readLine() { continuation.yield(line) }
            continuation.finish()
        }.start()
        return lines
    }
}
