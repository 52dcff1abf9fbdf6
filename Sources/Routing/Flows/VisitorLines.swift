import AgentProtocol
import Logging
import XMPP

/// A visitor's lines on their way to the agent of an active chat: sent as claimed in Redis,
/// confirmed once the XMPP server took them (`XMPPComponent.sendAcknowledged`), then the lines
/// stored meanwhile (left to this claim) in turn. `Lua/includes/claimUnsent.lua` says what "exactly once" means across a crash.
struct VisitorLines: Sendable {
    let store: RoutingStore
    let outbox: Outbox
    let logger: Logger

    /// Sends `claimed` to `agent` (the last line with `state`, if given), confirms what the XMPP
    /// server took, and goes on with what each confirmation claims. Returns whether every line
    /// the chat holds was passed on: false while another sender's claim holds some (they are
    /// theirs to send), or when the server did not take them all (the agent had no session, or
    /// the link dropped): those go again with the next claim (a resend, the agent back, a sweep).
    func pass(
        _ claimed: ClaimedLines, chat: String, agent: String, nick: String, state: ChatState? = nil, rules: RoutingRules
    ) async throws -> Bool {
        let outcome = try await send(claimed, chat: chat, agent: agent, nick: nick, state: state, rules: rules)
        return outcome.allTaken && !outcome.heldElsewhere
    }

    /// As `pass`, but while another sender's claim holds lines of the chat (with several
    /// routers, the visitor's previous line on another router), looks again, backing off, for
    /// at most the lease and a second: the holder takes this line too when it confirms, within
    /// milliseconds, or its lease runs out and a look here takes the lines over. So the line's
    /// receipt waits for it rather than be left to the client's resend.
    func passAwaitingHolder(
        _ claimed: ClaimedLines, chat: String, agent: String, nick: String, state: ChatState? = nil, rules: RoutingRules
    ) async throws -> Bool {
        var outcome = try await send(claimed, chat: chat, agent: agent, nick: nick, state: state, rules: rules)
        var pause = Duration.milliseconds(10)
        var waited = Duration.zero
        while outcome.heldElsewhere, outcome.allTaken, waited < ClaimedLines.lease + .seconds(1) {
            await StanzaLanes.givingUpRoom { _ = try? await Task.sleep(for: pause) }
            try Task.checkCancellation()
            waited += pause
            pause = min(pause * 2, .milliseconds(500))
            outcome = try await send(try await store.claimUnsent(chat), chat: chat, agent: agent, nick: nick, state: nil, rules: rules)
        }
        return outcome.allTaken && !outcome.heldElsewhere
    }

    /// Sends and confirms claimed lines, and those each confirmation claims; says whether the
    /// server took every line sent, and whether another sender's claim held lines at the end.
    private func send(
        _ claimed: ClaimedLines, chat: String, agent: String, nick: String, state: ChatState?, rules: RoutingRules
    ) async throws -> (allTaken: Bool, heldElsewhere: Bool) {
        var batch = claimed
        var state = state
        var allTaken = true
        while batch.upTo > 0 {
            let first = batch.upTo - batch.lines.count + 1
            // Under the id the router chose when it stored the line; one kept before ids were
            // stored gets one from its place in the chat, the same on every copy.
            let lines = batch.lines.enumerated().map { offset, line in
                (line: line, id: line.id.flatMap { $0.isEmpty ? nil : $0 } ?? RelayedLineID.make(chat: chat, number: first + offset))
            }
            let lineState = state
            let handled = await StanzaLanes.givingUpRoom {
                await outbox.relay(lines, toAgent: agent, chat: chat, state: lineState, nick: nick, rules: rules)
            }
            state = nil
            let taken = handled.prefix { $0 == .routed }.count
            if taken < lines.count {
                logger.warning(
                    "the XMPP server did not take visitor lines; they go again with the next claim",
                    metadata: ["chat": "\(chat)", "agent": "\(agent)", "handled": "\(handled)"])
                allTaken = false
            }
            batch = try await confirm(chat: chat, agent: agent, sent: first - 1 + taken, claimed: batch.upTo)
        }
        return (allTaken, batch.heldElsewhere)
    }

    /// Confirms, trying again when Redis went away under the command (the client waits for its
    /// next connection): a claim left unconfirmed is taken over after its lease, and its lines
    /// sent twice.
    private func confirm(chat: String, agent: String, sent: Int, claimed: Int) async throws -> ClaimedLines {
        var attempt = 1
        while true {
            do {
                return try await store.confirmSent(chat: chat, agent: agent, sent: sent, claimed: claimed)
            } catch where attempt < 3 {
                attempt += 1
                logger.warning("confirming visitor lines sent failed: \(error); trying again", metadata: ["chat": "\(chat)"])
            }
        }
    }
}
