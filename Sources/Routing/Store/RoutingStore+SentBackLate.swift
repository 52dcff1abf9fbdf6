import Redis

// What was told to an agent and sent back by the XMPP server after a router counted it as taken
// (`LateBounces`, `sentBackLate-4.lua`): owed to the agent again.
extension RoutingStore {
    /// What became of a stanza sent back late.
    public enum SentBackLate: Int, Sendable {
        /// Nothing to do: the chat was given anew, went to another agent or closed, or the line is still owed.
        case nothing = 0
        /// Owed again: a sweep tells the offer again, or passes the lines on.
        case owedAgain = 1
        /// Not yet: its sender has not marked the offer told or confirmed the line, or another
        /// sender's live claim holds the chat's lines. Try again shortly.
        case notYet = 2
    }

    /// The offer of `chat` to `agent` made when it was given at `given` (its `offered_at`, as the
    /// history's id says) is marked untold, if the chat is still theirs from then.
    public func sentBackLate(offerOf chat: String, given: String, to agent: String) async throws -> SentBackLate {
        try await sentBackLate(chat: chat, agent: agent, ["history", given])
    }

    /// The visitor line of `chat` relayed as `id` is owed to `agent` again, with those after it.
    public func sentBackLate(line id: String, of chat: String, to agent: String) async throws -> SentBackLate {
        try await sentBackLate(chat: chat, agent: agent, ["line", id])
    }

    private func sentBackLate(chat: String, agent: String, _ what: [String]) async throws -> SentBackLate {
        let reply = try await redis.evalScript(
            RoutingLua.sentBackLate, keys: [keys.events, keys.chat(chat), keys.transcript(chat), keys.announcing(chat)], args: [chat, agent] + what,
            acknowledgement: acknowledgement)
        return SentBackLate(rawValue: try reply.number()) ?? .nothing
    }
}
