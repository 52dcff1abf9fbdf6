import Dispatch
import Foundation
import Synchronization

/// Runs the console: full screen on a terminal, or plain lines for scripts and screen readers.
public enum ConsoleApp {
    /// How the console ended: the agent quit, or the session gave up (why) and the console with it.
    public enum Ending: Sendable, Equatable {
        case quit
        case gaveUp(String)
    }

    /// The full-screen console until the agent quits; the terminal is restored on every way out.
    /// After a refused login the screen stays (it says why) until the agent quits.
    @discardableResult
    public static func runFullScreen(session: AgentSession) async throws -> Ending {
        let terminal = try Terminal()
        defer { terminal.restore() }
        let (quit, quitting) = AsyncStream<Void>.makeStream()
        let controller = ConsoleController(session: session, display: FullScreenDisplay(terminal: terminal)) { quitting.finish() }
        await controller.redraw()
        let resize = DispatchSource.makeSignalSource(signal: SIGWINCH)
        resize.setEventHandler { Task { await controller.redraw() } }
        resize.resume()
        defer { resize.cancel() }
        return await run(session: session, controller: controller, quit: quit, quitsWhenGivingUp: false) { group in
            group.addTask {
                for await keys in terminal.keys() { await controller.keys(keys) }
                quitting.finish()  // the terminal went away
            }
        }
    }

    /// Plain line mode: events printed as lines, commands (and replies) read from standard input.
    /// A session that gives up (a refused login) ends it: a script must not wait on a dead console.
    @discardableResult
    public static func runPlain(session: AgentSession) async -> Ending {
        let (quit, quitting) = AsyncStream<Void>.makeStream()
        let controller = ConsoleController(session: session, display: PlainDisplay()) { quitting.finish() }
        return await run(session: session, controller: controller, quit: quit, quitsWhenGivingUp: true) { group in
            group.addTask {
                for await line in standardInputLines() { await controller.line(line) }
                quitting.finish()  // end of input ends the session
            }
        }
    }

    private static func run(
        session: AgentSession, controller: ConsoleController, quit: AsyncStream<Void>, quitsWhenGivingUp: Bool,
        input: (inout TaskGroup<Void>) -> Void
    ) async -> Ending {
        let gaveUp = GiveUpReason()
        let (ended, ending) = AsyncStream<Void>.makeStream()
        // Session events in order, through one stream.
        let (events, reporting) = AsyncStream<SessionEvent>.makeStream()
        // Logging out waits for the server at most a few seconds once the agent asked to leave.
        let (left, leaving) = AsyncStream<Void>.makeStream()
        let watchdog = Task.detached {
            for await _ in left {}
            try? await Task.sleep(for: .seconds(3))
            guard !Task.isCancelled else { return }
            session.logger.warning("logging out took too long; leaving anyway")
            exit(0)
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let reason = await session.run { reporting.yield($0) }
                gaveUp.reason.withLock { $0 = reason }
                reporting.finish()
            }
            group.addTask {
                for await event in events { await controller.sessionEvent(event) }
                // Every event shown (the reason it gave up among them): now the console may end.
                if quitsWhenGivingUp, gaveUp.reason.withLock({ $0 }) != nil { ending.finish() }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    await controller.tick()
                }
            }
            input(&group)
            await withTaskGroup(of: Void.self) { either in
                either.addTask { for await _ in quit {} }
                either.addTask { for await _ in ended {} }
                await either.next()
                either.cancelAll()
            }
            session.logger.info("quitting")
            leaving.finish()
            group.cancelAll()
        }
        watchdog.cancel()
        return gaveUp.reason.withLock { $0 }.map(Ending.gaveUp) ?? .quit
    }

    /// Lines of standard input, read on a thread of their own with `read(2)`: a thread blocked
    /// in stdio's `readLine` holds stdin's lock, and `exit` would wait for it forever.
    static func standardInputLines() -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream<String>.makeStream()
        Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending.append(contentsOf: buffer[0..<count])
                while let end = pending.firstIndex(of: 0x0A) {
                    var line = pending[..<end]
                    if line.last == 0x0D { line = line.dropLast() }
                    continuation.yield(String(decoding: line, as: UTF8.self))
                    pending.removeSubrange(...end)
                }
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            continuation.finish()
        }.start()
        return lines
    }
}

/// Why the session gave up, shared by the tasks of a console run (a `Mutex` alone cannot be captured).
private final class GiveUpReason: Sendable {
    let reason = Mutex<String?>(nil)
}
