import Logging
import XMPP

/// An agent of the fault run: an XMPP client with `max_chats` seats that answers every visitor
/// line it is shown, once, to the chat's address, and signs in again when ejabberd drops it.
final class FaultAgent: Sendable {
    let index: Int
    let session: FaultSession
    private let serviceDomain: String
    private let ledger: FaultLedger
    private let ready = Confirmations()

    init(index: Int, configuration: ClientConfiguration, serviceDomain: String, ledger: FaultLedger, logger: Logger) throws {
        self.index = index
        self.serviceDomain = serviceDomain
        self.ledger = ledger
        let service = try JID(domain: serviceDomain)
        session = FaultSession(configuration, logger: logger) { client in
            // Available to everyone (the roster) and to the service itself, as the console does.
            try await client.send(Presence())
            try await client.send(Presence(to: service))
        }
    }

    /// Reads (and signs in again) until the session is stopped.
    func run() async {
        await session.run { await self.receive($0) }
    }

    /// Asks the routers for this agent's status and waits until one says it is available.
    func announce() async throws {
        try await session.send(Message(to: try JID(domain: serviceDomain), type: .chat, body: "/status"))
        guard await ready.wait(for: "ready", upTo: .seconds(60)) else {
            throw BenchError.setup("the routers did not confirm agent \(index) available")
        }
    }

    private func receive(_ stanza: Stanza) async {
        // A router joining (restarted, or back after ejabberd restarted) shows its presence and
        // probes the agents: say availability again, as the console does (`AgentSession`), or it
        // counts this agent gone once its resync window ends.
        if case .presence(let presence) = stanza, presence.type == .available, presence.from?.bare.description == serviceDomain {
            try? await session.send(Presence(to: try JID(domain: serviceDomain)))
            return
        }
        guard case .message(let message) = stanza, let from = message.from, message.type != .error, let body = message.body else { return }
        guard let text = BenchText(in: body, from: .visitor) else {
            if from.local == nil, from.domain == serviceDomain, body.hasPrefix("You are available") { await ready.settle("ready") }
            return
        }
        let key = FaultLedger.LineKey(chat: text.chat, sequence: text.sequence)
        guard ledger.delivered(key, to: index, from: from.description, at: BenchClock.now()) else { return }
        answer(key, to: from)
    }

    /// Sends the answer in a task of its own (the reader goes on): again while the agent is
    /// disconnected, for at most 30 s, as an agent retypes a line their console could not send.
    private func answer(_ key: FaultLedger.LineKey, to address: JID) {
        Task {
            let body = BenchText(sender: .agent, chat: key.chat, sequence: key.sequence).body
            for _ in 0..<60 {
                do {
                    try await session.send(Message(to: address, type: .chat, body: body))
                    return
                } catch {
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
            ledger.error("agent \(index) could not answer line \(key.sequence) of chat \(key.chat) for 30 s")
        }
    }
}
