import Redis

// Ratings and waits: the figures behind a wait estimate, a rating taken, a message offered.
extension RoutingStore {
    /// The queue's recent figures: its answers of the last `WaitEstimate.window` and the agents
    /// able to serve it now (available, with its skills), in one round trip.
    public func waitEstimate(queue: String, candidates: [String]) async throws -> WaitEstimate {
        let since = try await clock() - WaitEstimate.window.milliseconds
        var commands = [RedisCommand("ZRANGEBYSCORE", [keys.answers(queue), String(since), "+inf"])]
        commands += candidates.map { RedisCommand("HGET", [keys.agent($0), "presence"]) }
        let replies = try await redis.pipeline(commands)
        let answers = try replies[0].values().compactMap { member -> WaitEstimate.Answer? in
            // `chat|agent|wait ms`; an agent's JID has no `|`.
            let parts = try member.text().split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 3, let wait = Int64(parts[2]) else { return nil }
            return WaitEstimate.Answer(wait: .milliseconds(wait), agent: String(parts[1]))
        }
        let able = replies.dropFirst().filter { $0.string == "available" }.count
        return WaitEstimate(answers: answers, agentsAble: able)
    }

    /// Rates the visitor's chat in `queue` they were asked to rate (`chat`: only that one; nil:
    /// the one asked last). `.refused("no-rating")` when there is none or its window has passed.
    public func rate(queue: String, visitor: String, chat: String? = nil, score: Int, comment: String) async throws -> Outcome {
        try await run(
            RoutingLua.rate, keys: [keys.events, keys.rating(queue: queue, visitor: visitor)],
            [queue, chat ?? "", String(score), comment])
    }

    /// The closed chat the visitor may still rate in `queue`, if any (a reconnecting widget shows
    /// its star row again).
    public func ratingAsked(queue: String, visitor: String) async throws -> String? {
        let pending = try await redis.send("GET", keys.rating(queue: queue, visitor: visitor)).string
        return pending.flatMap { $0.split(separator: "|", omittingEmptySubsequences: false).first.map(String.init) }
    }

    /// The visitor's next chat in `queue` within `window` is a message left: it has no max wait
    /// (the web's message form says so before it opens the chat).
    public func offerToLeaveMessage(queue: String, visitor: String, within window: Duration) async throws {
        _ = try await redis.send(
            "SET", keys.leaveMessage(queue: queue, visitor: visitor), "form", "PX", String(max(window.milliseconds, 1)))
    }
}
