import HTML
/// The supervisors' dashboard (`GET /dashboard`): the live queue and agent tables, the front of each
/// line, and charts of wait and response times over the last hours, as one page with inline SVG
/// that reloads itself; no script, nothing from elsewhere. Every text is escaped.
struct DashboardPage {
    let state: LiveState
    let report: StatsReport
    let hours: Int
    /// Seconds between reloads.
    static let refresh = 10

    var html: String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="refresh" content="\(Self.refresh)">
        <title>Switchboard — supervisor dashboard</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
        table { border-collapse: collapse; margin-bottom: 1.5em; }
        th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        .charts { display: flex; flex-wrap: wrap; gap: 1em; }
        .muted { color: #777; font-size: 0.9em; }
        </style></head><body>
        <h1>Switchboard</h1>
        <p class="muted">Live state read from Redis at \(TerminalTables.clock(state.at / 1000)) UTC; figures for the last \(hours) h; reloads every \(Self.refresh) s.</p>
        <h2>Queues</h2>
        \(table(id: "queues", TerminalTables.queueHeader, TerminalTables.queueRows(state, report)))
        <h2>Agents</h2>
        \(table(id: "agents", TerminalTables.agentHeader, TerminalTables.agentRows(state, report)))
        <h2>Waiting now</h2>
        \(table(id: "waiting", TerminalTables.waitingHeader, TerminalTables.waitingRows(state)))
        <h2>Last \(hours) hours</h2>
        <div class="charts">
        \(chart("Wait (s)", \.wait))
        \(chart("Response (s)", \.response))
        </div>
        </body></html>
        """
    }

    private func table(id: String, _ header: [String], _ rows: [[String]]) -> String {
        var out = "<table id=\"\(id)\"><thead><tr>" + header.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { out += "<tr>" + row.map { "<td>\(HTMLText.escape($0))</td>" }.joined() + "</tr>" }
        if rows.isEmpty { out += "<tr><td colspan=\"\(header.count)\" class=\"muted\">none</td></tr>" }
        return out + "</tbody></table>"
    }

    private func chart(_ title: String, _ timing: KeyPath<MinutePoint, MinutePoint.Point>) -> String {
        SVGChart(
            title: title,
            lines: [
                .init(name: "mean", colour: "#1f77b4", values: report.series.map { $0[keyPath: timing].mean }),
                .init(name: "p90", colour: "#d62728", values: report.series.map { $0[keyPath: timing].p90 }),
            ],
            start: report.since
        ).svg
    }
}
