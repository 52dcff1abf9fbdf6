import AgentProtocol
import Foundation

extension ConsoleState {
    /// What an event from the router changes, and a line describing it (plain mode prints these).
    /// `bell` when a new offer arrived.
    public mutating func apply(_ event: RouterEvent, at now: Date) -> (line: String, bell: Bool) {
        switch event {
        case .offer(let offer, let history):
            let isNew = index(of: offer.chat).map { !chats[$0].isOpen } ?? true
            let deadline = offer.timeout.map { now.addingTimeInterval(TimeInterval($0)) }
            chat(offer.chat, visitor: offer.name, queue: offer.queue, state: offer.isOffered ? .offered(deadline: deadline) : .active,
                 sla: offer.sla)
            let current = self.current
            update(offer.chat) { chat in
                chat.waitingSince = chat.waitingSince ?? now.addingTimeInterval(-TimeInterval(offer.waited))
                // Each line at the time it was written, when the router said (older routers did not).
                for (number, line) in history.enumerated() {
                    let age = number < offer.historyAges.count ? offer.historyAges[number] : 0
                    chat.add(.history, who: "", text: line, at: now.addingTimeInterval(-TimeInterval(age)))
                }
                if chat.id != current { chat.unread += 1 }
            }
            let timeout = offer.timeout.map { " timeout=\($0)s" } ?? ""
            let verb = offer.isOffered ? "offer" : "assigned"
            let summary = "\(verb) chat=\(offer.chat) queue=\(Sanitizer.clean(offer.queue)) visitor=\(Sanitizer.clean(offer.name)) waited=\(offer.waited)s\(timeout)"
            let lines = [summary] + history.map { "history chat=\(offer.chat): \(Sanitizer.clean($0))" }
            return (lines.joined(separator: "\n"), isNew && offer.isOffered)
        case .visitorSaid(let id, let name, let text, let messageID, let markable):
            if index(of: id) == nil { chat(id, visitor: name, queue: "", state: .active) }
            let current = self.current, showsSupervision = self.showsSupervision
            update(id) { chat in
                chat.add(.visitor, who: name, text: text, at: now, id: messageID)
                if markable, let messageID { chat.markable = messageID }
                chat.visitorTyping = false
                chat.waitingSince = chat.waitingSince ?? now
                if chat.id != current || showsSupervision { chat.unread += 1 }
            }
            return ("message chat=\(id) from=\(Sanitizer.clean(name)): \(Sanitizer.lines(text).joined(separator: " ⏎ "))", false)
        case .visitorEdited(let id, let messageID, let name, let text):
            let current = self.current
            update(id) { chat in
                chat.correct(messageID, who: name, text: text, at: now)
                chat.visitorTyping = false
                if chat.id != current { chat.unread += 1 }
            }
            return ("edited chat=\(id) from=\(Sanitizer.clean(name)): \(Sanitizer.lines(text).joined(separator: " ⏎ "))", false)
        case .seen(let id, let messageID):
            var known = false
            update(id) { known = $0.markSeen(messageID) }
            return (known ? "seen chat=\(id)" : "", false)
        case .visitorState(let id, let state):
            update(id) { $0.visitorTyping = state == .composing }
            return ("typing chat=\(id) state=\(state.rawValue)", false)
        case .notice(let id, let text, let ended):
            adopt(id, ended: ended)
            update(id) { chat in
                chat.add(.notice, who: "", text: text, at: now)
                chat.visitorTyping = false
                if ended {
                    chat.state = .closed("ended")
                    chat.waitingSince = nil
                }
            }
            return ("\(ended ? "closed" : "notice") chat=\(id): \(Sanitizer.lines(text).joined(separator: " ⏎ "))", false)
        case .offerExpired(let id, let text):
            adopt(id, ended: true)
            update(id) { chat in
                chat.add(.notice, who: "", text: text, at: now)
                chat.visitorTyping = false
                chat.state = .closed("offer expired")
                chat.waitingSince = nil
            }
            return ("closed chat=\(id): \(Sanitizer.lines(text).joined(separator: " ⏎ "))", false)
        case .whisper(let id, let text):
            adopt(id, ended: false)
            let current = self.current
            update(id) { chat in
                chat.add(.whisper, who: "supervisor", text: text, at: now)
                if chat.id != current { chat.unread += 1 }
            }
            return ("whisper chat=\(id): \(Sanitizer.clean(text))", false)
        case .refused(let id, let text):
            update(id) { $0.add(.notice, who: "", text: "Not delivered: \(text)", at: now) }
            return ("refused chat=\(id): \(Sanitizer.clean(text))", false)
        case .service(let text):
            status = Sanitizer.lines(text).joined(separator: " ")
            return ("service: \(status)", false)
        }
    }

    /// A chat the router writes about that the console does not know yet: a supervisor's
    /// monitored chat (its transcript can come before the command's answer), or an agent's
    /// chat from before the console started.
    mutating func adopt(_ id: String, ended: Bool) {
        guard index(of: id) == nil else { return }
        chat(id, visitor: "", queue: "", state: ended ? .closed("ended") : isSupervisor ? .monitoring : .active)
    }

    /// What the agent wrote to a chat, shown in its transcript: the visitor no longer waits.
    /// `messageID`: what it went out with, which the visitor's read marks name.
    public mutating func said(_ text: String, in id: String, as kind: TranscriptLine.Kind = .agent, at now: Date, messageID: String? = nil) {
        update(id) { chat in
            chat.add(kind, who: "me", text: text, at: now, id: messageID)
            if kind == .agent { chat.waitingSince = nil }
            chat.scroll = 0
        }
    }

    /// A notice from the console itself in a chat (or the status line when none is given).
    public mutating func notice(_ text: String, in id: String?, at now: Date) {
        if let id, index(of: id) != nil {
            update(id) { $0.add(.notice, who: "", text: text, at: now) }
        } else {
            status = Sanitizer.clean(text)
        }
    }

    /// Reads `/queues` ("NAME: N waiting" lines) into the header's summary.
    public mutating func readQueues(_ text: String) {
        queues = text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let count = Int(parts[1].split(separator: " ").first ?? "") else { return nil }
            return QueueSummary(name: String(parts[0]), waiting: count)
        }
    }

    /// Takes the router's `<status/>` for the capacity, and the agent's chats the console does
    /// not know (it started while they ran); returns the presence the router has for the agent.
    @discardableResult
    public mutating func readStatus(_ status: AgentStatus) -> String {
        capacity = status.capacity
        for id in status.chats where !id.isEmpty && index(of: id) == nil { chat(id, visitor: "", queue: "", state: .active) }
        return status.presence
    }

    /// Reads `/agents` ("Name (jid): presence, 1/3 chats" lines) into the supervisor's table.
    public mutating func readAgents(_ text: String) {
        agents = text.split(separator: "\n").compactMap { line in
            guard let open = line.lastIndex(of: "("), let close = line[open...].firstIndex(of: ")") else { return nil }
            let name = line[..<open].trimmingCharacters(in: .whitespaces)
            let jid = String(line[line.index(after: open)..<close])
            let rest = line[line.index(after: close)...].drop { $0 == ":" || $0 == " " }.split(separator: ",", maxSplits: 1)
            return AgentRow(name: name, jid: jid, presence: rest.first.map(String.init) ?? "",
                            chats: rest.count > 1 ? rest[1].trimmingCharacters(in: .whitespaces) : "")
        }
    }
}
