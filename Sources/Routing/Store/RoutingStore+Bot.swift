extension RoutingStore {
    /// What becomes of a chat with its queue's bot (`settleBot-6.lua`).
    public enum BotSettlement: Sendable, Hashable {
        /// The bot's reply, kept in the transcript as the bot's line.
        case reply(String)
        /// The chat joins `queue`'s line now (`reason`: handoff, error, bad answer, no answer).
        case handoff(queue: String, reason: String, overflowDelays: [Duration], maxWait: Duration?)
    }

    /// Keeps the bot's reply, or hands the chat over, only while it is still with the bot;
    /// `claiming` (the `bot|ID` timer, when a call's backstop ran out) must still be due.
    /// Returns `.done("bot")`, `.done("queued")`, or `.refused(why)`.
    public func settleBot(chat: String, _ settlement: BotSettlement, botName: String, claiming timer: ChatTimer? = nil) async throws
        -> Outcome
    {
        let arguments: [String]
        let joins: String
        switch settlement {
        case .reply(let text):
            joins = ""
            arguments = [chat, "reply", text, "", "", "0"]
        case .handoff(let queue, let reason, let delays, let maxWait):
            joins = queue
            arguments = [chat, "handoff", reason, queue, delays.map { String($0.milliseconds) }.joined(separator: ","),
                         Self.milliseconds(maxWait)]
        }
        return try await run(
            RoutingLua.settleBot,
            keys: [keys.events, keys.chat(chat), keys.transcript(chat), keys.timers, keys.chatTimers(chat), keys.waiting(joins)],
            arguments + [timer?.member ?? "", botName])
    }
}
