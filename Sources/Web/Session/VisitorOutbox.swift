import Foundation
import Logging
import Routing

/// Writes one connection's frames, in order, from one task: replies, the router's notices, and
/// transcript lines read from Redis (the truth a reconnecting widget catches up from, by `seq`).
struct VisitorOutbox: Sendable {
    let store: RoutingStore
    let desk: any VisitorDesk
    let visitor: String
    let queue: String
    let logger: Logger

    /// Sends what `events` asks through `write` until the events end. When writing or reading
    /// Redis fails, `fail` is called (the connection closes, and the widget resumes on a new one).
    func run(
        _ events: AsyncStream<Outgoing>, write: @Sendable (String) async throws -> Void, fail: @Sendable () async -> Void
    ) async {
        var chat: String?
        var lastSeq = -1
        do {
            for await event in events {
                switch event {
                case .send(let message):
                    try await write(message.json)
                case .notice(let notice):
                    if notice.kind == .message {
                        if chat == nil { chat = try await openChat() }
                        try await catchUp(chat, &lastSeq, write: write)
                    } else {
                        try await write(Self.message(for: notice).json)
                    }
                case .follow(let next, let after):
                    if next != chat { lastSeq = after }
                    chat = next
                    try await catchUp(chat, &lastSeq, replay: true, write: write)
                    try await sendState(of: chat, write: write)
                case .catchUp:
                    try await catchUp(chat, &lastSeq, write: write)
                case .resync:
                    if chat == nil { chat = try await openChat() }
                    try await catchUp(chat, &lastSeq, write: write)
                    try await sendState(of: chat, write: write)
                }
            }
        } catch {
            logger.info("closing a web visitor's connection: \(error)")
            await fail()
        }
    }

    private func openChat() async throws -> String? {
        try await store.openChat(queue: queue, visitor: visitor)?.id
    }

    /// Sends the chat's visitor and agent lines after `lastSeq` (notes and whispers stay internal).
    private func catchUp(_ chat: String?, _ lastSeq: inout Int, replay: Bool = false, write: (String) async throws -> Void)
        async throws
    {
        guard let chat else { return }
        let lines = try await store.transcript(chat, from: lastSeq + 1)
        let rules = desk.rules
        for line in lines {
            lastSeq += 1
            switch line.kind {
            case .visitor:
                try await write(
                    ServerMessage.line(chat: chat, seq: lastSeq, from: "visitor", agent: nil, text: line.text, time: line.t, replay: replay)
                        .relayed(line).json)
            case .agent:
                let name = rules.agents[line.from]?.name ?? "Agent"
                try await write(
                    ServerMessage.line(chat: chat, seq: lastSeq, from: "agent", agent: name, text: line.text, time: line.t, replay: replay)
                        .relayed(line).json)
            case .bot:
                // The bot speaks as an agent would, under the name its lines are kept with.
                try await write(
                    ServerMessage.line(chat: chat, seq: lastSeq, from: "agent", agent: line.from, text: line.text, time: line.t, replay: replay)
                        .relayed(line).json)
            case .note, .whisper, .system:
                continue
            }
        }
    }

    /// Where the chat stands now: waiting (and where), with an agent, or over.
    private func sendState(of chat: String?, write: (String) async throws -> Void) async throws {
        guard let chat, let fields = try await store.chat(chat) else { return }
        let rules = desk.rules
        switch fields["state"].flatMap(ChatStatus.init(rawValue:)) {
        case .queued:
            let position = try await store.position(chat: chat, queue: fields["queue"] ?? "") ?? 1
            let estimate = try await eta(queue: fields["queue"], position: position)
            try await write(ServerMessage.queued(position: position, eta: estimate, text: nil).json)
        case .offered:
            let estimate = try await eta(queue: fields["queue"], position: 1)
            try await write(ServerMessage.queued(position: 1, eta: estimate, text: nil).json)
        case .active:
            let name = fields["agent"].flatMap { rules.agents[$0]?.name } ?? "an agent"
            try await write(ServerMessage.assigned(agent: name, text: nil).json)
        case .bot:
            break  // nobody waits in line yet: the bot's lines say the rest
        case .closed:
            // A closed chat has no agent for `{agent}`; one the visitor may still rate shows its stars again.
            let asked = try await store.ratingAsked(queue: fields["queue"] ?? queue, visitor: visitor)
            let goodbye = rules.goodbye(queue: fields["queue"], visitor: fields["name"], agent: nil)
            try await write(ServerMessage.closed(goodbye, rate: asked == chat ? chat : nil).json)
        case nil:
            break
        }
    }

    /// The estimated wait in seconds from the queue's recent figures, as the router tells it.
    private func eta(queue name: String?, position: Int) async throws -> Int? {
        guard let queue = name.flatMap({ desk.rules.queue($0) }) else { return nil }
        let estimate = try await store.waitEstimate(queue: queue.name, candidates: queue.plan.candidates.map(\.jid))
        return estimate.eta(position: position).map { Int($0.components.seconds) }
    }

    static func message(for notice: VisitorNotice) -> ServerMessage {
        switch notice.kind {
        case .queued: .queued(position: notice.position ?? 1, eta: notice.eta, text: notice.text)
        case .assigned: .assigned(agent: notice.agent ?? "an agent", text: notice.text)
        case .typing: .typing(notice.state ?? "active")
        case .notice, .message: .notice(notice.text ?? "")
        case .closed: .closed(notice.text, rate: notice.rate, offline: notice.leaveMessage)
        case .seen: .seen(ref: notice.relay?.id ?? "")
        }
    }
}
