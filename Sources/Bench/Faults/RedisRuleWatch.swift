import Logging
import Redis
import Routing

/// Reads, twice a second, every agent's chats and load in one transaction (`MULTI`/`EXEC`, so a
/// chat moving between agents is never seen in both), through the sentinels as the routers do,
/// and notes in the ledger a chat in two agents' sets or an agent over its `max_chats`. Readings
/// that fail (the master is being replaced) are skipped.
struct RedisRuleWatch {
    let url: String
    let agents: [String]
    let capacity: Int
    let ledger: FaultLedger
    let logger: Logger

    func run() async {
        let keys = RoutingKeys(prefix: BenchWorkflow.prefix)
        guard let url = try? RedisURL(url) else { return }
        let redis = RedisClient(configuration: RedisConfiguration(url: url), logger: logger)
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            do {
                _ = try await redis.send("MULTI")
                for agent in agents {
                    _ = try await redis.send("SMEMBERS", keys.agentChats(agent))
                    _ = try await redis.send("HGET", keys.agent(agent), "load")
                }
                guard let replies = try await redis.send("EXEC").array, replies.count == agents.count * 2 else { continue }
                check(replies)
            } catch {
                _ = try? await redis.send("DISCARD")
            }
        }
        await redis.close()
    }

    private func check(_ replies: [RESPValue]) {
        let now = BenchClock.now()
        ledger.sampledRedis()
        var holders: [String: String] = [:]
        for (index, agent) in agents.enumerated() {
            let chats = replies[index * 2].array?.compactMap(\.string) ?? []
            let load = replies[index * 2 + 1].string.flatMap { Int($0) } ?? replies[index * 2 + 1].int ?? 0
            if chats.count > capacity || load > capacity {
                ledger.breach("\(agent) holds \(chats.count) chats (load \(load)), max \(capacity)", doubled: false, at: now)
            }
            for chat in chats {
                if let other = holders[chat] { ledger.breach("chat \(chat) with \(other) and \(agent)", doubled: true, at: now) }
                holders[chat] = agent
            }
        }
    }
}
