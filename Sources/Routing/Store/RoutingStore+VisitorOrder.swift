import Redis

/// What placing a chat's held visitor lines left for its agent (`placeHeld-3.lua`).
public struct HeldLinesPlaced: Sendable, Hashable {
    /// The timer was still due (another router had not acted on it) and the chat open.
    public let due: Bool
    /// The chat's agent, or empty while nobody holds it.
    public let agent: String
    /// The name the visitor's lines carry.
    public let name: String
    /// The visitor's lines claimed for the agent: those placed now, and any owed.
    public let unsent: ClaimedLines
}

extension HeldLinesPlaced: ScriptReply {
    /// {1 if due, agent, name, {lines claimed for the agent}}.
    init(reply: RESPValue) throws(UnexpectedReply) {
        let parts = try reply.values(4)
        self.init(
            due: try parts[0].number() == 1, agent: try parts[1].text(), name: try parts[2].text(),
            unsent: try ClaimedLines(reply: parts[3]))
    }
}

extension RoutingStore {
    /// The visitor's lines of `chat` held for the line before them (which has not come) past their
    /// hold are placed in the transcript, and what its agent is owed claimed. `claiming`: the
    /// chat's `hold` timer, which must still be due and is taken in the same step.
    public func placeHeldLines(chat: String, claiming timer: ChatTimer? = nil) async throws -> HeldLinesPlaced {
        try await run(
            RoutingLua.placeHeld, keys: [keys.events, keys.chat(chat), keys.timers],
            [chat, timer?.member ?? "", String(ClaimedLines.lease.milliseconds)])
    }
}
