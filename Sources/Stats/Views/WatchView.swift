import Foundation

/// `switchboard stats --watch`: the queue and agent tables of the dashboard in the terminal,
/// redrawn in place every `interval` until interrupted.
public struct WatchView: Sendable {
    let reader: LiveStateReader
    let stats: StatsReader
    let interval: Duration

    public init(reader: LiveStateReader, stats: StatsReader, interval: Duration) {
        self.reader = reader
        self.stats = stats
        self.interval = interval
    }

    public func run() async throws {
        FileHandle.standardOutput.write(Data("\u{1B}[2J".utf8))  // a clean screen to draw in place on
        while !Task.isCancelled {
            let screen: String
            do {
                screen = try await frame()
            } catch {
                screen = "switchboard stats: cannot read Redis: \(error)\n"
            }
            // Home, draw, clear what an earlier, longer frame left below.
            FileHandle.standardOutput.write(Data(("\u{1B}[H" + screen.replacingOccurrences(of: "\n", with: "\u{1B}[K\n") + "\u{1B}[J").utf8))
            try await Task.sleep(for: interval)
        }
    }

    /// One screen: a title line, the queue, agent and waiting tables (figures since midnight UTC).
    public func frame() async throws -> String {
        let state = try await reader.read()
        let today = try StatsWindow(sinceMilliseconds: state.at - state.at % 86_400_000, untilMilliseconds: state.at + 1)
        let report = try await stats.report(today)
        return """
            Switchboard — \(TerminalTables.clock(state.at / 1000)) UTC — figures since midnight UTC (Ctrl-C to quit)

            QUEUES
            \(TerminalTables.render(TerminalTables.queueHeader, TerminalTables.queueRows(state, report)))

            AGENTS
            \(TerminalTables.render(TerminalTables.agentHeader, TerminalTables.agentRows(state, report)))

            WAITING
            \(TerminalTables.render(TerminalTables.waitingHeader, TerminalTables.waitingRows(state)))

            """
    }
}
