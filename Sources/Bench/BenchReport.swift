import Foundation

/// The outcome of a bench run: the scenario, the machine, and one result per target.
public struct BenchReport: Sendable, Codable, Equatable {
    public var scenario: Scenario
    public var machine: Machine
    public var phases: [PhaseResult]
    /// Whether the run measured a deployment already running (`--attach`) instead of its own servers.
    public var attached: Bool

    public init(scenario: Scenario, machine: Machine, phases: [PhaseResult], attached: Bool = false) {
        self.scenario = scenario
        self.machine = machine
        self.phases = phases
        self.attached = attached
    }

    public func phase(_ target: BenchTarget) -> PhaseResult? {
        phases.first { $0.target == target }
    }

    /// Whether every phase counted no error and lost nothing.
    public var isClean: Bool { phases.allSatisfy(\.isClean) }

    /// Switchboard's value divided by the floor's for `value`, nil when either is missing or zero.
    public func ratio(to floor: BenchTarget, _ value: (PhaseResult) -> Double?) -> Double? {
        guard let ours = phase(.switchboard).flatMap(value), let theirs = self.phase(floor).flatMap(value), theirs > 0 else {
            return nil
        }
        return ours / theirs
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The report as a text table, Switchboard / floor ratios beside the absolute numbers.
    public var table: String {
        let s = scenario
        var lines = [
            "Scenario: \(s.visitors) visitors, \(s.agents) agents × \(s.capacity) chats, \(s.queues) queues, "
                + "\(format(s.arrivalRate, decimals: 0)) new chats/s for \(format(s.durationSeconds, decimals: 0)) s, \(s.messagesPerChat) messages per chat, "
                + "answers after \(s.replyDelayMilliseconds) ms" + (s.openChats > 0 ? ", \(s.openChats) chats open throughout" : "")
                + (s.visitorChannel == .xmpp ? "" : ", visitors over \(s.visitorChannel == .web ? "the web widget's WebSocket" : "XMPP and WebSocket, half each")")
                + (s.openLoop ? ", open loop" : ""),
            "Machine: \(machine.cores) cores, \(machine.cpu), load average \(format(machine.loadAverage)) at the start"
                + (attached ? " (the load generator's machine: the deployment was already running, --attach)" : ""),
            "",
        ]
        let floors = [BenchTarget.floorComponent, .direct].filter { phase($0) != nil && phase(.switchboard) != nil }
        let header = ["", ] + phases.map(\.target.title) + floors.map { "sb / \($0 == .direct ? "direct" : "floor")" }
        var rows: [[String]] = [header]
        for row in Self.rows {
            if row.value == nil {
                rows.append([row.label])
                continue
            }
            let values = phases.map { row.value!($0) }
            guard values.contains(where: { $0 != nil }) else { continue }
            var cells = [row.label] + values.map { $0.map { format($0, decimals: row.decimals) } ?? "–" }
            for floor in floors {
                cells.append(row.ratio ? ratio(to: floor, row.value!).map { format($0, decimals: 2) + "×" } ?? "–" : "")
            }
            rows.append(cells)
        }
        let widths = (0..<header.count).map { column in rows.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        for row in rows {
            guard row.count > 1 else {
                lines.append(row[0])
                continue
            }
            var line = row[0].padding(toLength: widths[0], withPad: " ", startingAt: 0)
            for (column, cell) in row.enumerated().dropFirst() {
                line += "  " + String(repeating: " ", count: max(0, widths[column] - cell.count)) + cell
            }
            lines.append(line)
        }
        // With web visitors Prosody carries the agents' side only: the two do not compare.
        if !s.visitorChannel.hasWebVisitors, let sb = phase(.switchboard), let router = sb.relay,
            let prosody = sb.process(ProcessName.prosody) ?? sb.process(ProcessName.xmppServer), prosody.cpuMicrosecondsPerMessage > 0
        {
            lines.append("")
            lines.append("Router CPU per relayed message ÷ the XMPP server's: \(format(router.cpuMicrosecondsPerMessage / prosody.cpuMicrosecondsPerMessage, decimals: 2))")
        }
        if let memory = phase(.switchboard)?.chatMemory {
            lines.append("")
            lines.append(
                "Redis bytes per chat: INFO used_memory before and after (all a chat adds, its share of the event stream, sets "
                    + "and timers included, and whatever else ran meanwhile); MEMORY USAGE … SAMPLES 0 summed over the own keys "
                    + "(chat hash, transcript, ids, timers…) of up to \(ChatMemoryProbe.sampleSize) chats.")
            if !memory.closedChatsSettled {
                lines.append("The router had not closed every traffic chat in Redis 60 s after the drain: the closed-chat figures include open ones.")
            }
        }
        if s.visitorChannel.hasWebVisitors {
            lines.append("")
            lines.append("No floor ratios: \(BenchTarget.noFloorForWebVisitors).")
        }
        for phase in phases where !phase.errorSamples.isEmpty {
            lines.append("")
            lines.append("Errors in \(phase.target.title):")
            lines += phase.errorSamples.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    private struct Row: Sendable {
        let label: String
        let value: (@Sendable (PhaseResult) -> Double?)?
        var decimals = 2
        var ratio = true
    }

    private static func latency(_ label: String, _ summary: @escaping @Sendable (PhaseResult) -> LatencySummary) -> [Row] {
        [Row(label: label, value: nil)] + [("p50", 50.0), ("p90", 90), ("p99", 99), ("max", 100)].map { name, percentile in
            Row(label: "  \(name) (ms)", value: { phase in summary(phase).value(percentile) })
        }
    }

    private static func usage(_ name: String, _ value: @escaping @Sendable (ProcessUsage) -> Double, decimals: Int = 2) -> Row {
        Row(label: "  \(name)", value: { phase in (name == "relay" ? phase.relay : phase.process(name)).map(value) }, decimals: decimals)
    }

    /// A component-link figure per relayed message (nil without link figures or messages).
    private static func link(_ label: String, decimals: Int = 2, _ value: @escaping @Sendable (LinkFigures) -> Int?) -> Row {
        Row(label: label, value: { phase in
            guard let link = phase.link, phase.messagesRelayed > 0, let count = value(link) else { return nil }
            return Double(count) / Double(phase.messagesRelayed)
        }, decimals: decimals)
    }

    private static let linkKinds = [
        LinkFigures.Kind.line, LinkFigures.Kind.notice, LinkFigures.Kind.chatState, LinkFigures.Kind.receipt,
        LinkFigures.Kind.presence, LinkFigures.Kind.other,
    ]

    /// Stanzas and bytes on the component link each way, per relayed message, by kind (`LinkTally`).
    private static let linkRows: [Row] =
        [
            Row(label: "component link, per relayed message", value: nil),
            link("  stanzas from the relay") { $0.stanzasFromRelay },
        ]
        + linkKinds.map { kind in link("    \(kind)") { $0.fromRelay[kind] ?? 0 } }
        + [
            link("  stanzas to the relay") { $0.stanzasToRelay },
            link("  bytes from the relay (TCP, whole link)", decimals: 0) { $0.socketBytesFromRelay },
            link("  bytes from the relay (stanzas to sessions)", decimals: 0) { $0.bytesFromRelay.values.reduce(0, +) },
        ]
        + linkKinds.map { kind in link("    \(kind)", decimals: 0) { $0.bytesFromRelay[kind] ?? 0 } }
        + [
            link("    in <nick> elements", decimals: 0) { $0.nickBytes },
            link("  <nick> elements") { $0.nickElements },
            link("  chat states on lines") { $0.chatStatesOnLines },
            link("  bytes to the relay (TCP, whole link)", decimals: 0) { $0.socketBytesToRelay },
            link("  bytes to the relay (stanzas from sessions)", decimals: 0) { $0.bytesToRelay.values.reduce(0, +) },
        ]

    private static let rows: [Row] =
        [
            Row(label: "chats offered", value: { Double($0.chatsOffered) }, decimals: 0, ratio: false),
            Row(label: "arrivals skipped (all visitors busy)", value: { Double($0.arrivalsSkipped) }, decimals: 0, ratio: false),
        ]
        + latency("time to offer", \.timeToOffer)
        + latency("relay visitor → agent", \.visitorToAgent)
        + latency("relay agent → visitor", \.agentToVisitor)
        + [
            Row(label: "throughput", value: nil),
            Row(label: "  chats assigned/s", value: { $0.chatsPerSecond }, decimals: 1),
            Row(label: "  messages relayed/s", value: { $0.messagesPerSecond }, decimals: 0),
            Row(label: "errors", value: { Double($0.errors) }, decimals: 0, ratio: false),
            Row(label: "lost messages", value: { Double($0.lost) }, decimals: 0, ratio: false),
        ]
        + linkRows
        + [
            Row(label: "CPU seconds", value: nil),
            usage("relay", \.cpuSeconds), usage(ProcessName.prosody, \.cpuSeconds), usage(ProcessName.xmppServer, \.cpuSeconds),
            usage(ProcessName.redis, \.cpuSeconds),
            usage(ProcessName.loadGenerator, \.cpuSeconds),
            Row(label: "CPU µs per relayed message", value: nil),
            usage("relay", \.cpuMicrosecondsPerMessage, decimals: 1), usage(ProcessName.prosody, \.cpuMicrosecondsPerMessage, decimals: 1),
            usage(ProcessName.xmppServer, \.cpuMicrosecondsPerMessage, decimals: 1), usage(ProcessName.redis, \.cpuMicrosecondsPerMessage, decimals: 1),
            Row(label: "peak RSS (MB)", value: nil),
            usage("relay", \.peakRSSMegabytes, decimals: 1), usage(ProcessName.prosody, \.peakRSSMegabytes, decimals: 1),
            usage(ProcessName.xmppServer, \.peakRSSMegabytes, decimals: 1), usage(ProcessName.redis, \.peakRSSMegabytes, decimals: 1),
            Row(label: "relay start until ready (s)", value: { $0.relayReadySeconds }, decimals: 1, ratio: false),
            Row(label: "Redis bytes per chat", value: nil),
            Row(label: "  open chats (backlog)", value: { $0.chatMemory.map { Double($0.openChats) } }, decimals: 0, ratio: false),
            Row(label: "  per open chat, INFO used_memory", value: { $0.chatMemory?.usedBytesPerOpenChat }, decimals: 0, ratio: false),
            Row(label: "  per open chat, its keys (MEMORY USAGE)", value: { $0.chatMemory?.keyBytesPerOpenChat }, decimals: 0, ratio: false),
            Row(label: "  closed chats (before retention)", value: { $0.chatMemory.map { Double($0.closedChats) } }, decimals: 0, ratio: false),
            Row(label: "  per closed chat, INFO used_memory", value: { $0.chatMemory?.usedBytesPerClosedChat }, decimals: 0, ratio: false),
            Row(label: "  per closed chat, its keys (MEMORY USAGE)", value: { $0.chatMemory?.keyBytesPerClosedChat }, decimals: 0, ratio: false),
        ]

    private func format(_ value: Double, decimals: Int = 1) -> String {
        decimals == 0 ? String(Int(value.rounded())) : String(format: "%.\(decimals)f", value)
    }
}
