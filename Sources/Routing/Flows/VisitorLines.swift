import Logging
import XMPP

/// A visitor's lines on their way to the agent of an active chat: sent as claimed in Redis,
/// confirmed once written to the XMPP link, then the lines stored meanwhile (left to this
/// claim) in turn. `Lua/includes/claimUnsent.lua` says what "exactly once" means across a crash.
struct VisitorLines: Sendable {
    let store: RoutingStore
    let outbox: Outbox
    let logger: Logger

    /// Sends `claimed` to `agent` (the last line with `state`, if given), confirms it, and goes on
    /// with what each confirmation claims. Returns whether every line the chat holds was passed
    /// on: false while another sender's claim holds some (they are theirs to send).
    func pass(
        _ claimed: ClaimedLines, chat: String, agent: String, nick: String, state: ChatState? = nil, rules: RoutingRules
    ) async throws -> Bool {
        var batch = claimed
        var state = state
        var passed = !claimed.heldElsewhere
        while batch.upTo > 0 {
            var written = true
            for (index, line) in batch.lines.enumerated() {
                let last = index == batch.lines.count - 1
                written = await outbox.passToAgent(agent, chat: chat, line, state: last ? state : nil, nick: nick, rules: rules)
                    && written
            }
            if !written {
                // Queued for the next link: it goes out once the link is back, unless this router
                // dies first. Confirmed all the same: a second copy would go out after the lease.
                logger.warning("visitor lines wait for the XMPP link", metadata: ["chat": "\(chat)", "agent": "\(agent)"])
            }
            state = nil
            batch = try await confirm(chat: chat, agent: agent, upTo: batch.upTo)
            if batch.heldElsewhere { passed = false }
        }
        return passed
    }

    /// Confirms, trying again when Redis went away under the command (the client waits for its
    /// next connection): a claim left unconfirmed is taken over after its lease, and its lines
    /// sent twice.
    private func confirm(chat: String, agent: String, upTo: Int) async throws -> ClaimedLines {
        var attempt = 1
        while true {
            do {
                return try await store.confirmSent(chat: chat, agent: agent, upTo: upTo)
            } catch where attempt < 3 {
                attempt += 1
                logger.warning("confirming visitor lines sent failed: \(error); trying again", metadata: ["chat": "\(chat)"])
            }
        }
    }
}
