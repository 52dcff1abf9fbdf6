/// The queue and agent tables as rows of text, shared by the dashboard and `stats --watch`.
enum TerminalTables {
    static let queueHeader = ["Queue", "Waiting", "Oldest", "Avail", "Busy", "Away", "Active", "Offered", "Answered", "Abandoned", "SLA %", "Wait p90", "CSAT"]
    static let agentHeader = ["Agent", "Name", "Presence", "Active", "Offered", "Max", "Today", "1st resp p50", "Handle p50", "CSAT"]

    static func queueRows(_ state: LiveState, _ report: StatsReport) -> [[String]] {
        state.queues.map { queue in
            let stats = report.queues[queue.name] ?? ScopeStats()
            return [
                queue.name, String(queue.waiting), duration(queue.oldestWait), String(queue.agentsAvailable),
                String(queue.agentsBusy), String(queue.agentsAway), String(queue.activeChats), String(stats.offered),
                String(stats.answered), String(stats.abandoned), stats.slaPercent.map { String(Int($0.rounded())) } ?? "-",
                duration(stats.wait.p90), csat(stats.csat),
            ]
        }
    }

    static func agentRows(_ state: LiveState, _ report: StatsReport) -> [[String]] {
        state.agents.map { agent in
            let stats = report.agents[agent.jid] ?? ScopeStats()
            return [
                agent.jid, agent.name, agent.presence, String(agent.activeChats), String(agent.offeredChats),
                String(agent.maxChats), String(agent.chatsToday), duration(stats.firstResponse.p50), duration(stats.handle.p50),
                csat(stats.csat),
            ]
        }
    }

    static let waitingHeader = ["Chat", "Queue", "Visitor", "Waited"]

    /// The front of each line; visitors' names are their own text (escape or clean it where shown).
    static func waitingRows(_ state: LiveState) -> [[String]] {
        state.waiting.map { [$0.chat, $0.queue, $0.visitor, duration($0.waited)] }
    }

    /// `4.3 (12)`: the mean rating and how many; `-` for none.
    static func csat(_ summary: CSATSummary) -> String {
        guard let mean = summary.mean else { return "-" }
        return String((mean * 10).rounded() / 10) + " (\(summary.count))"
    }

    /// `42s`, `3m05s`, `1h02m`; `-` for none.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        if seconds < 10 { return String((seconds * 10).rounded() / 10) + "s" }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" + pad(whole % 60) + "s" }
        return "\(whole / 3600)h" + pad(whole % 3600 / 60) + "m"
    }

    static func clock(_ seconds: Int64) -> String {
        let day = seconds % 86_400
        return pad(Int(day / 3600)) + ":" + pad(Int(day % 3600 / 60)) + ":" + pad(Int(day % 60))
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Rows laid out in columns for a terminal; control characters in any text are shown as `?`.
    /// A table with no rows says "none" under its header, as the dashboard does.
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let clean = ([header] + rows).map { $0.map(printable) }
        let widths = header.indices.map { column in clean.map { $0[column].count }.max() ?? 0 }
        return clean.map { row in
            row.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return column == 0 ? text + padding : padding + text
            }.joined(separator: "  ")
        }.joined(separator: "\n") + (rows.isEmpty ? "\nnone" : "")
    }

    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
