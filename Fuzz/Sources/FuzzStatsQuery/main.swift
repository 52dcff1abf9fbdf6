import FuzzDriver
import HummingbirdCore
@testable import Stats

// Reads a query string as the stats API (`since`, `until`) and the dashboard (`hours`) do: the
// parameters through Hummingbird's parser, the times through `StatsServer.time`, the window
// through `StatsWindow`. The defaults between them mirror `StatsServer.stats` and `dashboard`;
// keep them in step when those change. "Now" is fixed so that a crash reproduces.
let now: Int64 = 1_764_936_000_000  // 2025-12-05 12:00 UTC
fuzz { input in
    let query = URI("/api/v1/stats?" + input.text).queryParameters
    do {
        let until = try query["until"].map { try StatsServer.time(String($0), "until") } ?? now
        let since = try query["since"].map { try StatsServer.time(String($0), "since") } ?? until - 86_400_000
        let window = try StatsWindow(sinceMilliseconds: since, untilMilliseconds: until)
        _ = (window.minutes.count, window.sinceMilliseconds, window.untilMilliseconds)
    } catch {
        // A refused query is a 400 for the client; only a crash is a finding.
    }
    let hours = query["hours"].flatMap { Int64($0) }.map { min(max($0, 1), 48) } ?? 3
    _ = try? StatsWindow(sinceMilliseconds: now - hours * 3_600_000, untilMilliseconds: now)
}
