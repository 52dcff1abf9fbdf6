import Foundation

/// What a fault run found, per fault: each fault's window runs from the moment it struck to the
/// next fault (the last one's to the end of the drain); a line or chat belongs to the window it
/// was first sent or started in.
public struct FaultReport: Sendable, Codable {
    public struct Row: Sendable, Codable, Equatable {
        /// "before any fault", "router 2 killed", "Redis master killed", "ejabberd restarted", "all".
        public var fault: String
        /// Seconds from the start of the load when it struck.
        public var atSeconds: Double
        /// Seconds until the fault's own action was over (router back and joined, old master back, ejabberd listening).
        public var actionSeconds: Double?
        /// Seconds from the fault until the last line disturbed by it (sent from a second before it,
        /// not confirmed within a second) was confirmed: until service resumed for everyone.
        public var resumedSeconds: Double?
        /// Seconds from the fault until the first chat started after it reached an agent.
        public var firstAssignedSeconds: Double?
        public var lines = 0
        /// Lines sent again because the first attempt was not confirmed within 2 s (visitor-visible).
        public var resent = 0
        /// Lines never confirmed by the end (the visitor saw them lost).
        public var unconfirmed = 0
        /// Agents' answers that never reached the visitor (visitor-visible loss the other way).
        public var answersLost = 0
        /// Confirmed lines that never reached an agent: must be 0.
        public var acknowledgedLost = 0
        /// Lines shown to their agent more than once.
        public var shownTwice = 0
        public var chats = 0
        /// Chats whose first line was confirmed and that never reached an agent: must be 0.
        public var chatsLost = 0
        /// Chats whose lines reached two agents (the agents' side), or in two agents' sets at once (Redis): must be 0.
        public var twoAgents = 0
        /// Times an agent held more chats than its `max_chats` (the agents' side and Redis): must be 0.
        public var capacityExceeded = 0
    }

    public var plan: FaultPlan
    public var rows: [Row]
    public var total: Row
    /// The 1-minute load average at the start and the end of the run, and the cores.
    public var loadStart: Double
    public var loadEnd: Double
    public var cores: Int
    /// What failed: faults whose action failed, errors the participants met (the first ten).
    public var problems: [String]
    public var errorCount: Int
    /// Redis readings taken (every 500 ms) and what broke a rule there.
    public var redisSamples: Int
    public var breaches: [String]
    /// The first few lines and chats behind a non-zero must-be-0 column, for finding the cause.
    public var details: [String]

    /// No chat lost or doubled, no acknowledged line lost, no capacity exceeded, every fault done.
    public var isClean: Bool {
        total.chatsLost == 0 && total.twoAgents == 0 && total.acknowledgedLost == 0 && total.capacityExceeded == 0
            && problems.allSatisfy { !$0.hasPrefix("fault") }
    }

    init(plan: FaultPlan, record: FaultRecord, loadStarted: UInt64, loadStart: Double, loadEnd: Double) {
        self.plan = plan
        self.loadStart = loadStart
        self.loadEnd = loadEnd
        cores = ProcessInfo.processInfo.activeProcessorCount
        let faults = record.faults
        var windows: [(name: String, at: UInt64, action: Double?)] = [("before any fault", loadStarted, nil)]
        for fault in faults {
            windows.append((fault.kind.description, fault.at, fault.done.map { Double($0 - fault.at) / 1e9 }))
        }
        func window(of time: UInt64) -> Int {
            windows.lastIndex { $0.at <= time } ?? 0
        }
        var rows = windows.map { Row(fault: $0.name, atSeconds: Double($0.at - loadStarted) / 1e9, actionSeconds: $0.action) }
        for line in record.lines.values {
            let row = window(of: line.firstSent)
            rows[row].lines += 1
            if line.attempts > 1 { rows[row].resent += 1 }
            guard let confirmed = line.confirmed else {
                rows[row].unconfirmed += 1
                continue
            }
            let agents = line.copies.keys.count
            // Lost where it was confirmed: when a router kept it and wrote it to the agent's link.
            if agents == 0 { rows[window(of: confirmed)].acknowledgedLost += 1 }
            if line.copies.values.contains(where: { $0 > 1 }) { rows[row].shownTwice += 1 }
            if agents > 0, line.answered == nil { rows[row].answersLost += 1 }
        }
        for (number, chat) in record.chats {
            let row = window(of: chat.started)
            rows[row].chats += 1
            // Lost where its first line was confirmed: the chat was open from then on.
            if chat.agents.isEmpty, let confirmed = record.lines[FaultLedger.LineKey(chat: number, sequence: 0)]?.confirmed {
                rows[window(of: confirmed)].chatsLost += 1
            }
            if chat.agents.count > 1 { rows[row].twoAgents += 1 }
        }
        for over in record.overCapacity { rows[window(of: over.at)].capacityExceeded += 1 }
        for breach in record.breaches {
            if breach.doubled { rows[window(of: breach.at)].twoAgents += 1 } else { rows[window(of: breach.at)].capacityExceeded += 1 }
        }
        // Service resumed: the last disturbed line of those sent from a second before the fault.
        for index in 1..<windows.count {
            let at = windows[index].at
            let end = index + 1 < windows.count ? windows[index + 1].at : UInt64.max
            let from = at > 1_000_000_000 ? at - 1_000_000_000 : 0
            var resumed: UInt64 = at, never = false
            for line in record.lines.values where line.firstSent >= from && line.firstSent < end {
                guard let confirmed = line.confirmed else {
                    never = true
                    continue
                }
                if confirmed - line.firstSent > 1_000_000_000 { resumed = max(resumed, confirmed) }
            }
            rows[index].resumedSeconds = never ? nil : Double(resumed - at) / 1e9
            let firsts = record.chats.values.filter { $0.started >= at }.compactMap(\.assigned)
            rows[index].firstAssignedSeconds = firsts.min().map { Double($0 - at) / 1e9 }
        }
        self.rows = rows
        details = Self.details(record, since: loadStarted)
        var total = Row(fault: "all", atSeconds: 0)
        for row in rows {
            total.lines += row.lines
            total.resent += row.resent
            total.unconfirmed += row.unconfirmed
            total.answersLost += row.answersLost
            total.acknowledgedLost += row.acknowledgedLost
            total.shownTwice += row.shownTwice
            total.chats += row.chats
            total.chatsLost += row.chatsLost
            total.twoAgents += row.twoAgents
            total.capacityExceeded += row.capacityExceeded
        }
        self.total = total
        problems = faults.compactMap { fault in fault.failure.map { "fault \(fault.kind) failed: \($0)" } } + record.errors
        errorCount = record.errorCount
        redisSamples = record.redisSamples
        breaches = record.breaches.prefix(10).map(\.what)
    }

    private static func details(_ record: FaultRecord, since start: UInt64) -> [String] {
        func seconds(_ time: UInt64?) -> String { time.map { String(format: "%.1f s", Double($0 - start) / 1e9) } ?? "never" }
        var details: [String] = []
        for (key, line) in record.lines.sorted(by: { $0.value.firstSent < $1.value.firstSent })
        where line.confirmed != nil && line.copies.isEmpty {
            let chat = record.chats[key.chat]
            details.append(
                "acknowledged line c\(key.chat)-\(key.sequence) (\(chat?.web == true ? "web" : "xmpp")) first sent \(seconds(line.firstSent)), "
                    + "\(line.attempts) attempts, confirmed \(seconds(line.confirmed)), never at an agent; its chat's agents: "
                    + "\(chat?.addresses.sorted { $0.key < $1.key }.map { "\($0.key) via \($0.value)" } ?? [])")
            if details.count >= 10 { break }
        }
        for (number, chat) in record.chats.sorted(by: { $0.key < $1.key }) where chat.agents.count > 1 {
            let lines = record.lines.filter { $0.key.chat == number }.sorted { $0.key.sequence < $1.key.sequence }
                .map { "#\($0.key.sequence)→\($0.value.copies.keys.sorted()) sent \(seconds($0.value.firstSent)) ×\($0.value.attempts)" }
            details.append(
                "chat \(number) (\(chat.web ? "web" : "xmpp")) started \(seconds(chat.started)), ended \(seconds(chat.ended)) at two agents: "
                    + "\(chat.addresses.sorted { $0.key < $1.key }.map { "\($0.key) via \($0.value)" }); lines \(lines)")
            if details.count >= 20 { break }
        }
        return details
    }

    /// The table `switchboard bench --preset faults` prints (Markdown, for docs/SCALING.md).
    public var table: String {
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "—" }
        var lines = [
            "| fault | at s | action s | resumed s | 1st assign s | lines | resent | unconfirmed | answers lost | ack'd lost | shown twice | chats | chats lost | two agents | over capacity |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in rows + [total] {
            let at = row.fault == "all" ? "" : String(format: "%.1f", row.atSeconds)
            lines.append(
                "| \(row.fault) | \(at) | \(seconds(row.actionSeconds)) | \(seconds(row.resumedSeconds)) | \(seconds(row.firstAssignedSeconds)) | "
                    + "\(row.lines) | \(row.resent) | \(row.unconfirmed) | \(row.answersLost) | \(row.acknowledgedLost) | \(row.shownTwice) | "
                    + "\(row.chats) | \(row.chatsLost) | \(row.twoAgents) | \(row.capacityExceeded) |")
        }
        lines.append("")
        lines.append(
            "\(plan.xmppVisitors) XMPP + \(plan.webVisitors) web visitors, \(plan.agents) agents × \(plan.capacity) chats, "
                + "\(Int(plan.durationSeconds)) s of load; 3 routers, 2 web nodes, ejabberd, Redis master + replica + 3 sentinels; "
                + "load average \(String(format: "%.2f", loadStart)) → \(String(format: "%.2f", loadEnd)) on \(cores) cores; "
                + "\(redisSamples) Redis readings; \(errorCount) errors.")
        for problem in problems { lines.append("- \(problem)") }
        for breach in breaches { lines.append("- Redis: \(breach)") }
        for detail in details { lines.append("- \(detail)") }
        lines.append(isClean ? "CLEAN: no chat lost or doubled, no acknowledged line lost, capacity kept." : "NOT CLEAN")
        return lines.joined(separator: "\n")
    }

    private enum CodingKeys: String, CodingKey {
        case plan, rows, total, loadStart, loadEnd, cores, problems, errorCount, redisSamples, breaches, details
    }
}
