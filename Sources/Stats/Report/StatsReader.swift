import Redis

/// Reads the facts of a window from Redis and turns them into a `StatsReport`.
public struct StatsReader: Sendable {
    public let keys: StatsKeys
    let redis: RedisClient

    public init(redis: RedisClient, keys: StatsKeys) {
        self.redis = redis
        self.keys = keys
    }

    /// The report for `window`, limited to one queue's facts if `queue` is given.
    public func report(_ window: StatsWindow, queue: String? = nil) async throws -> StatsReport {
        var overall = ScopeAccumulator()
        var queues: [String: ScopeAccumulator] = [:]
        var agents: [String: ScopeAccumulator] = [:]
        var series: [MinutePoint] = []
        for (minute, facts) in try await facts(window) {
            var thisMinute = ScopeAccumulator()
            for fact in facts where queue == nil || fact.queue == queue {
                overall.add(fact)
                thisMinute.add(fact)
                queues[fact.queue, default: ScopeAccumulator()].add(fact)
                if !fact.agent.isEmpty { agents[fact.agent, default: ScopeAccumulator()].add(fact) }
            }
            series.append(thisMinute.point(start: minute * 60))
        }
        return StatsReport(
            since: window.sinceMilliseconds / 1000, until: window.untilMilliseconds / 1000, queue: queue,
            overall: overall.stats, queues: queues.mapValues(\.stats), agents: agents.mapValues(\.stats),
            series: series, precision: Self.precision)
    }

    /// Answered chats per agent in the window (the agents table's "chats today").
    public func answeredByAgent(_ window: StatsWindow) async throws -> [String: Int] {
        var answered: [String: Int] = [:]
        for (_, facts) in try await facts(window) {
            for fact in facts where fact.kind == .answered { answered[fact.agent, default: 0] += 1 }
        }
        return answered
    }

    static let precision =
        "count, mean and max exact (samples are whole milliseconds); p50/p90/p99 by nearest rank from an HdrHistogram "
        + "with 3 significant digits: exact under 2.048 s, otherwise at most 0.1% above the sample"

    /// Each minute of the window with its facts, oldest first, read in pipelined batches.
    private func facts(_ window: StatsWindow) async throws -> [(minute: Int64, facts: [Fact])] {
        var result: [(Int64, [Fact])] = []
        let minutes = Array(window.minutes)
        for start in stride(from: 0, to: minutes.count, by: 500) {
            let batch = minutes[start..<min(start + 500, minutes.count)]
            let replies = try await redis.pipeline(batch.map { RedisCommand("LRANGE", [keys.facts(minute: $0), "0", "-1"]) })
            for (minute, reply) in zip(batch, replies) {
                if let message = reply.errorMessage { throw RedisError.server(message) }
                result.append((minute, (reply.array ?? []).compactMap { $0.string.flatMap(Fact.init(line:)) }))
            }
        }
        return result
    }
}
