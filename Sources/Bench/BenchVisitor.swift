import Synchronization
import XMPP

/// A visitor's chats: opens one, sends the next message on each answer, ends it, whatever the
/// channel (`VisitorLink`).
final class BenchVisitor: Sendable {
    let index: Int
    let link: any VisitorLink
    private let chat = Mutex<(number: Int, next: Int, address: JID)?>(nil)

    init(index: Int, link: any VisitorLink) {
        self.index = index
        self.link = link
    }

    /// Opens chat `number` in `run` with its first message, once the channel is ready for it (a web
    /// visitor's page has its session): time to offer runs from that message, as the visitor types it.
    func start(chat number: Int, in run: PhaseRun) async {
        do {
            let address = try run.address(visitor: index, chat: number)
            chat.withLock { $0 = (number, 1, address) }
            try await link.prepare(chatAt: address, from: self, in: run)
            run.measurements.chatsStarted.add(1, ordering: .relaxed)
            try await send(BenchText(sender: .visitor, chat: number, sequence: 0), to: address, in: run)
        } catch {
            run.measurements.error("visitor \(index) could not start chat \(number): \(error)")
            release(in: run)
        }
    }

    /// Handles a stanza that arrives over XMPP while `run` is the current phase.
    func receive(_ stanza: Stanza, in run: PhaseRun) async {
        guard case .message(let message) = stanza else { return }
        if message.type == .error {
            run.measurements.error("visitor \(index) got an error: \(message.error.map { "\($0)" } ?? "?") from \(message.from?.description ?? "?")")
            return
        }
        guard let body = message.body else { return }
        await received(body: body, in: run)
    }

    /// Handles a text that reached the visitor, over any channel: an agent's answer moves the chat on.
    func received(body: String, in run: PhaseRun) async {
        guard let answer = BenchText(in: body, from: .agent) else { return }  // welcome, position, goodbye
        let now = BenchClock.now()
        run.measurements.arrived(now)
        run.measurements.visitorReceived.add(1, ordering: .relaxed)
        run.measurements.agentToVisitor.record(since: answer.sentAt, now: now)
        guard let current = chat.withLock({ $0 }), current.number == answer.chat, current.next == answer.sequence + 1 else {
            run.measurements.error("visitor \(index) got an answer out of turn: chat \(answer.chat) #\(answer.sequence)")
            return
        }
        do {
            if current.next < run.scenario.messagesPerChat {
                chat.withLock { $0?.next += 1 }
                try await send(BenchText(sender: .visitor, chat: current.number, sequence: current.next), to: current.address, in: run)
            } else {
                if run.endsChats { try await link.end(chatAt: current.address, from: self, in: run) }
                run.measurements.chatsFinished.add(1, ordering: .relaxed)
                release(in: run)
            }
        } catch {
            run.measurements.error("visitor \(index) could not send: \(error)")
        }
    }

    private func send(_ text: BenchText, to address: JID, in run: PhaseRun) async throws {
        run.measurements.visitorSent.add(1, ordering: .relaxed)
        try await link.send(text.body, to: address, from: self, in: run)
    }

    private func release(in run: PhaseRun) {
        chat.withLock { $0 = nil }
        run.release(visitor: index)
    }
}
