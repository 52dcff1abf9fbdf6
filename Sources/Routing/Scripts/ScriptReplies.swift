import Foundation
import Redis

// How each script's reply becomes its Swift type. The layouts are those the `.lua` headers document.

extension Outcome: ScriptReply {
    /// {1, what it did} or {0, why not}: accept, decline, close, overflow, transfer, monitor.
    init(reply: RESPValue) throws(UnexpectedReply) {
        let parts = try reply.values(2)
        self = try parts[0].number() == 1 ? .done(try parts[1].text()) : .refused(try parts[1].text())
    }
}

extension Enqueued: ScriptReply {
    /// {chat, created, position, state, agent, message stored, {lines claimed for the agent}, monitors...};
    /// a chat created now has no monitors (a pass may follow instead: `EnqueuedAndRouted`).
    init(reply: RESPValue) throws(UnexpectedReply) {
        let parts = try reply.values(7)
        let unsent = try ClaimedLines(reply: parts[6])
        let created = try parts[1].number(), stored = try parts[5].number()
        var monitors: [String] = []
        if created == 0 { for part in parts.dropFirst(7) { monitors.append(try part.text()) } }
        self.init(
            chat: try parts[0].text(), created: created >= 1, position: try parts[2].number(),
            state: ChatStatus(rawValue: try parts[3].text()) ?? .closed, agent: try parts[4].text(),
            messageStored: stored >= 1, monitors: monitors, leftMessage: created == 2, unsent: unsent)
        lineHeld = stored == 2
    }
}

extension RoutingStore.EnqueuedAndRouted: ScriptReply {
    /// `enqueue-6`'s reply as `Enqueued` reads it; for a chat created in the line with a pass
    /// asked for, then {the pass, as `route-2`}, {the new chat's history, or {}}.
    init(reply: RESPValue) throws(UnexpectedReply) {
        let enqueued = try Enqueued(reply: reply)
        let parts = try reply.values(7)
        guard enqueued.created, parts.count == 9 else {
            self.init(enqueued: enqueued, routed: nil, history: nil)
            return
        }
        let history: RoutingStore.ChatHistory?
        do {
            history = try RoutingStore.ChatHistory(parts[8])
        } catch {
            throw UnexpectedReply(description: "a new chat's history: \(error)")
        }
        self.init(enqueued: enqueued, routed: RoutingStore.Routed(try Assignments(reply: parts[7])), history: history)
    }
}

extension ClaimedLines: ScriptReply {
    /// {count to confirm (0: none claimed), 1 if held elsewhere, lines (JSON)...} (`includes/claimUnsent.lua`).
    init(reply: RESPValue) throws(UnexpectedReply) {
        let parts = try reply.values(2)
        var lines: [TranscriptLine] = []
        for part in parts.dropFirst(2) {
            let json = try part.text()
            do { lines.append(try JSONDecoder().decode(TranscriptLine.self, from: Data(json.utf8))) } catch {
                throw UnexpectedReply(description: "a line to pass on is not a transcript line: \(error)")
            }
        }
        self.init(lines: lines, upTo: try parts[0].number(), heldElsewhere: try parts[1].number() == 1)
    }
}

extension Recorded: ScriptReply {
    /// {1 stored | 0 duplicate or closed | -1 not the holder, visitor, queue, channel, agent, address, monitors...}.
    init(reply: RESPValue) throws(UnexpectedReply) {
        let parts = try reply.values(6)
        let status: Status = switch try parts[0].number() {
        case 1: .stored
        case -1: .notHolder
        default: .duplicate
        }
        var monitors: [String] = []
        for part in parts.dropFirst(6) { monitors.append(try part.text()) }
        self.init(
            status: status, visitor: try parts[1].text(), queue: try parts[2].text(),
            channel: ChatChannel(rawValue: try parts[3].text()), agent: try parts[4].text(), address: try parts[5].text(),
            monitors: monitors)
    }
}

/// `route-2`: the chats given (four elements per assignment), per chat the history whose right to
/// announce the script took (`ChatHistory`; empty for the others), and the queues that still have
/// chats waiting.
struct Assignments: ScriptReply {
    let assignments: [Assignment]
    let histories: [RESPValue]
    let stillWaiting: Set<String>

    init(reply: RESPValue) throws(UnexpectedReply) {
        let parts = try reply.values(3)
        let values = try parts[0].values()
        var assignments: [Assignment] = []
        for index in stride(from: 0, to: values.count - 3, by: 4) {
            assignments.append(Assignment(
                chat: try values[index].text(), agent: try values[index + 1].text(), queue: try values[index + 2].text(),
                state: ChatStatus(rawValue: try values[index + 3].text()) ?? .active))
        }
        self.assignments = assignments
        histories = try parts[1].values()
        var queues: Set<String> = []
        for queue in try parts[2].values() { queues.insert(try queue.text()) }
        stillWaiting = queues
    }
}

/// `presence-5`, `settlePresence-5`: whether the agent's presence changed, and what it was.
struct PresenceChange: ScriptReply {
    let changed: Bool
    let previous: String
    let now: AgentPresence

    init(reply: RESPValue) throws(UnexpectedReply) {
        let parts = try reply.values(3)
        changed = try parts[0].number() == 1
        previous = try parts[1].text()
        now = AgentPresence(rawValue: try parts[2].text()) ?? .offline
    }
}

/// `expireGrace-4`, `removeAgent-5`: the chats put back in their queues.
struct RequeuedChats: ScriptReply {
    let chats: [String]

    init(reply: RESPValue) throws(UnexpectedReply) {
        chats = try reply.texts()
    }
}

/// `dueTimers-1`: the timers due now, and how long until the next one (nil: none).
struct DueTimers: ScriptReply {
    let due: [String]
    let next: Duration?

    init(reply: RESPValue) throws(UnexpectedReply) {
        let values = try reply.values()
        let wait = try values.first?.number() ?? -1
        var due: [String] = []
        for value in values.dropFirst() { due.append(try value.text()) }
        self.due = due
        next = wait < 0 ? nil : .milliseconds(wait)
    }
}

/// `setTimer-4`: whether the timer was set or cleared (false: the chat is closed or unknown).
struct TimerChange: ScriptReply {
    let done: Bool

    init(reply: RESPValue) throws(UnexpectedReply) {
        done = try reply.number() == 1
    }
}
