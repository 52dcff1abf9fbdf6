import Foundation

/// Draws a `ConsoleState` onto a `Canvas` of a terminal's size: header, chat list, transcript
/// or supervisor tables, offer pop-up, input line and key list. Pure: no terminal involved.
public struct Screen: Sendable {
    public let layout: Layout
    public let now: Date
    public let timeZone: TimeZone

    public init(width: Int, height: Int, now: Date = Date(), timeZone: TimeZone = .current) {
        layout = Layout(width: width, height: height)
        self.now = now
        self.timeZone = timeZone
    }

    /// The keys line at the bottom, most used first: as many as fit, then `/help`, which lists all.
    public static let keys = [
        "M-a accept", "M-d decline", "M-c close", "M-t transfer", "M-r canned", "M-n note", "M-w who", "M-p presence",
        "^N/^P chats", "^C quit", "PgUp/PgDn scroll", "Tab complete", "M-1..9 chat", "M-s supervise",
    ]
    public static var keyHelp: String { (keys + ["/help"]).joined(separator: "  ") }

    /// The keys that fit in `width` columns, ending in `/help` (always shown: it lists the rest).
    static func keyHelp(fitting width: Int) -> String {
        var line = ""
        for key in keys {
            let next = line + key + "  "
            guard DisplayWidth.of(next + "/help") <= width else { break }
            line = next
        }
        return line + "/help"
    }

    /// The canvas and where the cursor goes.
    public func draw(_ state: ConsoleState) -> (canvas: Canvas, cursor: (row: Int, column: Int)) {
        var canvas = Canvas(width: layout.width, height: layout.height)
        if layout.isTooSmall {
            canvas.put("Terminal too small", row: 0, column: 0)
            return (canvas, (0, 0))
        }
        drawHeader(state, on: &canvas)
        drawList(state, on: &canvas)
        if state.showsSupervision { drawSupervision(state, on: &canvas) } else { drawTranscript(state, on: &canvas) }
        if let offer = state.pendingOffer { drawOffer(offer, on: &canvas) }
        let cursor = drawInput(state, on: &canvas)
        let keys = layout.keys
        canvas.fill(row: keys.row, style: .reverse)
        var x = 0
        let message = state.candidates.isEmpty ? state.status : state.candidates.joined(separator: " ")
        if !message.isEmpty { x = canvas.put(" " + message + "  ", row: keys.row, column: 0, style: .selected) }
        canvas.put(" " + Self.keyHelp(fitting: layout.width - x - 1), row: keys.row, column: x, style: .reverse)
        return (canvas, cursor)
    }

    private func drawHeader(_ state: ConsoleState, on canvas: inout Canvas) {
        let row = layout.header.row
        canvas.fill(row: row, style: .reverse)
        var x = canvas.put(" \(state.account) │ ", row: row, column: 0, style: .reverse)
        // The link's trouble first, where a narrow screen still shows it.
        switch state.link {
        case .online: break
        case .connecting: x = canvas.put("connecting… │ ", row: row, column: x, style: .alert)
        case .offline(let reason, let retry?):
            let seconds = max(Int(retry.timeIntervalSince(now).rounded(.up)), 0)
            x = canvas.put("OFFLINE: \(reason) (retry in \(seconds) s)", row: row, column: x, style: .alert)
        case .offline(let reason, nil):
            x = canvas.put("OFFLINE: \(reason) (not retrying; ^C quits)", row: row, column: x, style: .alert)
        }
        if case .offline = state.link { x = canvas.put(" │ ", row: row, column: x, style: .reverse) }
        // Offline, the router sees the agent as offline whatever they chose: not "available".
        var parts = state.link == .online ? [state.availability.rawValue] : []
        parts += ["chats \(state.activeCount)/\(state.capacity.map(String.init) ?? "?")"]
        if !state.queues.isEmpty {
            parts.append("waiting " + state.queues.map { "\($0.name) \($0.waiting)" }.joined(separator: " · "))
        }
        if state.isSupervisor { parts.append("supervisor") }
        canvas.put(parts.joined(separator: " │ "), row: row, column: x, style: .reverse)
    }

    private func drawList(_ state: ConsoleState, on canvas: inout Canvas) {
        let area = layout.list
        guard area.width > 0 else { return }
        for row in area.rows { canvas.put("│", row: row, column: area.width, style: .dim) }
        canvas.put("Chats", row: area.row, column: 1, style: .bold)
        for (index, chat) in state.chats.prefix(area.height - 1).enumerated() {
            let row = area.row + 1 + index
            let selected = chat.id == state.current && !state.showsSupervision
            let mark = chat.isOffer ? "?" : chat.unread > 0 ? "*" : chat.isOpen ? " " : "x"
            let wait = chat.waited(at: now).map { Self.duration($0) } ?? ""
            let waitStyle: Style = chat.isOverdue(at: now) ? .alert : selected ? .selected : .plain
            let waitColumn = area.width - DisplayWidth.of(wait)
            let label = "\(mark)\(chat.number) \(chat.visitor) \(chat.queue)"
            let style: Style = selected ? .selected : chat.unread > 0 || chat.isOffer ? .bold : chat.isOpen ? .plain : .dim
            if selected { canvas.fill(row: row, to: area.width, style: .selected) }
            canvas.put(label, row: row, column: 0, style: style, limit: max(waitColumn - 1, 0))
            canvas.put(wait, row: row, column: waitColumn, style: waitStyle)
        }
    }

    private func drawTranscript(_ state: ConsoleState, on canvas: inout Canvas) {
        let area = layout.main
        guard let index = state.currentIndex else {
            canvas.put("No chat yet. Offers and chats appear here.", row: area.row + 1, column: area.column + 1, style: .dim)
            return
        }
        let chat = state.chats[index]
        let title = (["chat \(chat.id)", chat.visitor, chat.queue, Self.describe(chat.state)]).filter { !$0.isEmpty }
            .joined(separator: " · ")
        canvas.put(" " + title, row: area.row, column: area.column, style: .bold)
        var rows = transcriptRows(chat, width: area.width)
        if chat.visitorTyping { rows.append(("\(chat.visitor) is typing…", .dim)) }
        let visible = area.height - 1
        let scroll = min(chat.scroll, max(rows.count - visible, 0))
        let end = rows.count - scroll
        let shown = rows[max(end - visible, 0)..<end]
        for (offset, line) in shown.enumerated() {
            canvas.put(line.text, row: area.row + 1 + offset, column: area.column, style: line.style)
        }
        if scroll > 0 {
            let marker = " ↓ \(scroll) more "
            canvas.put(marker, row: area.row, column: area.column + area.width - DisplayWidth.of(marker), style: .reverse)
        }
    }

    /// The transcript's lines wrapped to `width`: a time and a speaker, text continued under the speaker's start.
    func transcriptRows(_ chat: ChatView, width: Int) -> [(text: String, style: Style)] {
        var rows: [(String, Style)] = []
        // "seen" goes beside the last of the agent's lines the visitor saw: the ones before it were too.
        let lastSeen = chat.lines.lastIndex { $0.kind == .agent && $0.seen }
        for (number, line) in chat.lines.enumerated() {
            let time = clock(line.time) + " "
            let (speaker, style): (String, Style) = switch line.kind {
            case .visitor: ("\(line.who): ", .plain)
            case .agent: ("\(line.who): ", .bold)
            case .note: ("[note] \(line.who): ", .note)
            case .whisper: ("[whisper] \(line.who): ", .note)
            case .notice: ("-- ", .notice)
            case .history: ("(earlier) ", .dim)
            }
            let indent = DisplayWidth.of(time)
            let wrapped = Wrapping.wrap(speaker + line.text + Self.marks(line, lastSeen: number == lastSeen),
                                        width: max(width - indent, 1))
            for (number, text) in wrapped.enumerated() {
                rows.append(((number == 0 ? time : String(repeating: " ", count: indent)) + text, style))
            }
        }
        return rows
    }

    /// What is said about a line after its text: a visitor's correction with what it replaced, and
    /// "seen" on the agent's last line the visitor's client showed.
    static func marks(_ line: TranscriptLine, lastSeen: Bool) -> String {
        if let original = line.original { return original.isEmpty ? " (edited)" : " (edited, was: \(original))" }
        return lastSeen ? " ✓ seen" : ""
    }

    private func drawSupervision(_ state: ConsoleState, on canvas: inout Canvas) {
        let area = layout.main
        var row = area.row
        let x = area.column + 1
        canvas.put("Queues", row: row, column: x, style: .bold)
        row += 1
        for queue in state.queues where row < area.row + area.height {
            canvas.put(queue.name, row: row, column: x)
            canvas.put("\(queue.waiting) waiting", row: row, column: x + 20)
            row += 1
        }
        row += 1
        canvas.put("Agents", row: row, column: x, style: .bold)
        row += 1
        for agent in state.agents where row < area.row + area.height {
            canvas.put(agent.name, row: row, column: x, limit: 18)
            canvas.put(agent.presence, row: row, column: x + 20, style: agent.presence == "available" ? .plain : .dim, limit: 10)
            canvas.put(agent.chats, row: row, column: x + 32, limit: 12)
            canvas.put(agent.jid, row: row, column: x + 46, style: .dim)
            row += 1
        }
    }

    private func drawOffer(_ offer: ChatView, on canvas: inout Canvas) {
        let area = layout.main
        let width = min(area.width - 2, 56)
        guard width > 10 else { return }
        let x = area.column + (area.width - width) / 2
        let top = area.row + max((area.height - 5) / 2, 1)
        var left = ""
        if case .offered(let deadline?) = offer.state {
            left = " · \(max(Int(deadline.timeIntervalSince(now).rounded(.up)), 0)) s left"
        }
        let lines = [
            "New chat \(offer.id) from \(offer.visitor)",
            "queue \(offer.queue)\(offer.waited(at: now).map { " · waiting \(Self.duration($0))" } ?? "")\(left)",
            "M-a accept   M-d decline",
        ]
        canvas.put("┌" + String(repeating: "─", count: width - 2) + "┐", row: top, column: x, style: .alert)
        for (offset, line) in lines.enumerated() {
            canvas.fill(row: top + 1 + offset, from: x, to: x + width, style: .alert)
            canvas.put("│ ", row: top + 1 + offset, column: x, style: .alert)
            canvas.put(line, row: top + 1 + offset, column: x + 2, style: .alert, limit: width - 4)
            canvas.put("│", row: top + 1 + offset, column: x + width - 1, style: .alert)
        }
        canvas.put("└" + String(repeating: "─", count: width - 2) + "┘", row: top + 1 + lines.count, column: x, style: .alert)
    }

    private func drawInput(_ state: ConsoleState, on canvas: inout Canvas) -> (row: Int, column: Int) {
        let area = layout.input
        let prompt = state.current.map { "chat \($0)> " } ?? "> "
        let x = canvas.put(prompt, row: area.row, column: 0, style: .bold)
        let view = state.input.view(width: area.width - x)
        canvas.put(view.text, row: area.row, column: x)
        return (area.row, x + view.cursorColumn)
    }

    func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    static func duration(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds)s" : seconds < 3600 ? "\(seconds / 60)m\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)s" : "\(seconds / 3600)h"
    }

    static func describe(_ state: ChatView.State) -> String {
        switch state {
        case .offered: "offered"
        case .active: "active"
        case .monitoring: "monitoring (read-only)"
        case .closed(let why): "closed: \(why)"
        }
    }
}
