import XMPP

/// An agent's session: answers every visitor message from where it came (the chat's address on
/// the router and the floor component, the visitor on the direct path), after the reply delay.
final class BenchAgent: Sendable {
    let index: Int
    let client: XMPPClient

    init(index: Int, client: XMPPClient) {
        self.index = index
        self.client = client
    }

    /// Tells the router this agent is available; `receive` counts the confirmation.
    func announce(in run: PhaseRun) async throws {
        let service = try JID(domain: run.serviceDomain)
        try await client.send(Presence(to: service))
        try await client.send(Message(to: service, type: .chat, body: "/status"))
    }

    func receive(_ stanza: Stanza, in run: PhaseRun) async {
        guard case .message(let message) = stanza, let from = message.from else { return }
        if message.type == .error {
            run.measurements.error("agent \(index) got an error: \(message.error.map { "\($0)" } ?? "?") from \(from)")
            return
        }
        guard let body = message.body else { return }
        guard let text = BenchText(in: body, from: .visitor) else {
            if from.local == nil, from.domain == run.serviceDomain, body.hasPrefix("You are available") {
                run.agentsReady.add(1, ordering: .relaxed)
            }
            return  // "The visitor ended the chat.", "/end" relayed by the floor
        }
        let now = BenchClock.now()
        run.measurements.arrived(now)
        run.measurements.agentReceived.add(1, ordering: .relaxed)
        if text.sequence == 0 {
            run.measurements.chatsOffered.add(1, ordering: .relaxed)
            run.measurements.timeToOffer.record(since: text.sentAt, now: now)
        } else {
            run.measurements.visitorToAgent.record(since: text.sentAt, now: now)
        }
        let delay = run.scenario.replyDelayMilliseconds
        if delay == 0 {
            await answer(text, to: from, in: run)
        } else {
            Task {
                try? await Task.sleep(for: .milliseconds(delay))
                await answer(text, to: from, in: run)
            }
        }
    }

    private func answer(_ text: BenchText, to address: JID, in run: PhaseRun) async {
        run.measurements.agentSent.add(1, ordering: .relaxed)
        do {
            let message = Message(to: address, type: .chat, body: BenchText(sender: .agent, chat: text.chat, sequence: text.sequence).body)
            if address.domain == run.serviceDomain { run.measurements.link.sent(LinkFigures.Kind.line, message.element) }
            try await client.send(message)
        } catch {
            run.measurements.error("agent \(index) could not answer: \(error)")
        }
    }
}
