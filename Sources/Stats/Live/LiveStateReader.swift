import Redis
import RoutingSchema
import Workflow

/// Reads the queue and agent tables straight from the routing state (`RoutingKeys`): what is
/// waiting and who holds what, as the router itself sees it.
public struct LiveStateReader: Sendable {
    let redis: RedisClient
    let keys: StatsKeys
    let workflow: Workflow

    /// Waiting chats looked at per queue for the oldest wait; the queue is ordered by who goes next,
    /// which after requeues and transfers is not always who waited longest.
    static let waitingScanned = 1_000
    /// Waiting chats listed per queue (the front of the line).
    static let waitingListed = 20

    public init(redis: RedisClient, keys: StatsKeys, workflow: Workflow) {
        self.redis = redis
        self.keys = keys
        self.workflow = workflow
    }

    public func read() async throws -> LiveState {
        let routing = keys.routing
        let time = try await redis.send("TIME").array?.compactMap(\.int) ?? []
        guard time.count == 2 else { throw StatsError.unexpectedReply("TIME") }
        let now = Int64(time[0]) * 1000 + Int64(time[1]) / 1000

        // Open chats: state, queue and agent of each.
        let open = try await redis.send("SMEMBERS", routing.openChats).array?.compactMap(\.string) ?? []
        let openFields = try await values(open.map { RedisCommand("HMGET", [routing.chat($0), "state", "queue", "queued_at", "name", "visitor"]) })
        var chats: [String: (state: String, queue: String, queuedAt: Int64?, visitor: String)] = [:]
        for (id, fields) in zip(open, openFields) {
            let parts = fields.array?.map(\.string) ?? []
            guard parts.count == 5, let state = parts[0], let queue = parts[1] else { continue }
            let visitor = parts[3].flatMap { $0.isEmpty ? nil : $0 } ?? parts[4] ?? ""
            chats[id] = (state, queue, parts[2].flatMap { Int64($0) }, visitor)
        }

        // Agents: presence, load, and what they hold.
        let agentReplies = try await values(workflow.agents.flatMap { agent in
            [RedisCommand("HGET", [routing.agent(agent.jid.description), "presence"]),
             RedisCommand("SMEMBERS", [routing.agentChats(agent.jid.description)])]
        })
        let today = try StatsWindow(sinceMilliseconds: now - now % 86_400_000, untilMilliseconds: now + 1)
        let answered = try await StatsReader(redis: redis, keys: keys).answeredByAgent(today)
        var agents: [AgentNow] = []
        for (index, agent) in workflow.agents.enumerated() {
            let jid = agent.jid.description
            let held = agentReplies[index * 2 + 1].array?.compactMap(\.string) ?? []
            agents.append(AgentNow(
                jid: jid, name: agent.name, presence: agentReplies[index * 2].string ?? AgentPresence.offline.rawValue,
                activeChats: held.filter { chats[$0]?.state == ChatStatus.active.rawValue }.count,
                offeredChats: held.filter { chats[$0]?.state == ChatStatus.offered.rawValue }.count,
                maxChats: agent.maxChats, chatsToday: answered[jid] ?? 0))
        }
        let byJID = Dictionary(agents.map { ($0.jid, $0) }, uniquingKeysWith: { first, _ in first })

        // Queues: what waits, and who could serve.
        let waiting = try await values(workflow.queues.map {
            RedisCommand("ZRANGE", [routing.waiting($0.name), "0", String(Self.waitingScanned - 1)])
        })
        let counts = try await values(workflow.queues.map { RedisCommand("ZCARD", [routing.waiting($0.name)]) })
        var queues: [QueueNow] = []
        var waitingChats: [WaitingChat] = []
        for (index, queue) in workflow.queues.enumerated() {
            let ids = waiting[index].array?.compactMap(\.string) ?? []
            for id in ids.prefix(Self.waitingListed) {
                guard let chat = chats[id] else { continue }
                waitingChats.append(WaitingChat(
                    chat: id, queue: queue.name, visitor: chat.visitor,
                    waited: chat.queuedAt.map { Double(max(0, now - $0)) / 1000 }))
            }
            let oldest = ids.compactMap { chats[$0]?.queuedAt }.min()
            var row = QueueNow(
                name: queue.name, title: queue.title, waiting: counts[index].int ?? ids.count,
                oldestWait: oldest.map { Double(max(0, now - $0)) / 1000 }, agentsAvailable: 0, agentsBusy: 0,
                agentsAway: 0, agentsOffline: 0,
                activeChats: chats.values.filter { $0.queue == queue.name && $0.state == ChatStatus.active.rawValue }.count,
                offeredChats: chats.values.filter { $0.queue == queue.name && $0.state == ChatStatus.offered.rawValue }.count)
            for eligible in workflow.eligibleAgents(for: queue) {
                guard let agent = byJID[eligible.agent.jid.description] else { continue }
                switch AgentPresence(rawValue: agent.presence) ?? .offline {
                case .available where agent.activeChats + agent.offeredChats < agent.maxChats: row.agentsAvailable += 1
                case .available: row.agentsBusy += 1
                case .away, .dnd, .xa: row.agentsAway += 1
                case .offline: row.agentsOffline += 1
                }
            }
            queues.append(row)
        }
        return LiveState(at: now, queues: queues, agents: agents, waiting: waitingChats)
    }

    private func values(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        let replies = try await redis.pipeline(commands)
        if let message = replies.lazy.compactMap(\.errorMessage).first { throw RedisError.server(message) }
        return replies
    }
}
