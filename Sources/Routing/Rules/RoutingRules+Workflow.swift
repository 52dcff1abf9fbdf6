import Foundation
import Workflow

// The module and its main type share the name `Workflow`, so its agent is named here.
private typealias WorkflowAgent = Agent

extension RoutingRules {
    /// The routing rules of a workflow: queues in priority order, each with the agents who have
    /// its skills (some only after overflow drops a skill), texts and limits.
    public init(_ workflow: Workflow) {
        let queues = workflow.queues.enumerated()
            .sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }
            .map { Self.queue($0.element, agents: workflow.agents) }
        var settings = Settings()
        settings.bodyLimit = workflow.limits.bodyBytes
        settings.floodLimit = workflow.limits.flood.messages
        settings.floodWindow = workflow.limits.flood.per
        settings.gracePeriod = workflow.limits.offlineGrace
        settings.presenceResync = workflow.limits.presenceResync
        settings.goneTimeout = workflow.limits.goneTimeout
        settings.missedOffersLimit = workflow.limits.missedOffersBeforeAway
        settings.positionUpdateInterval = workflow.limits.positionUpdateInterval
        settings.lineOrderHold = workflow.limits.lineOrderHold
        settings.retention = workflow.retention
        settings.auditRetention = workflow.auditRetention
        self.init(
            domain: workflow.xmpp.domain,
            queues: queues,
            defaultQueue: workflow.defaultQueue?.name,
            agents: workflow.agents.map {
                Agent(jid: $0.jid.description, name: $0.name, capacity: $0.maxChats, isSupervisor: $0.role == .supervisor)
            },
            canned: Dictionary(workflow.canned.map { ($0.key, $0.text) }, uniquingKeysWith: { first, _ in first }),
            settings: settings)
        // The loader compiled every pattern already; a workflow built in code without checks
        // redacts nothing rather than failing here.
        redactor = (try? Redactor(workflow.redact)) ?? .none
    }

    private static func queue(_ queue: WorkflowQueue, agents: [WorkflowAgent]) -> Queue {
        // A chat's `dropped` counter counts the drop steps it passed: an agent missing skills
        // becomes eligible once enough of them were dropped.
        let drops = queue.overflow.compactMap { step -> String? in
            if case .dropSkill(let skill) = step.action { skill } else { nil }
        }
        let candidates = agents.compactMap { agent -> QueuePlan.Candidate? in
            guard let needed = (0...drops.count).first(where: { count in
                agent.hasSkills(queue.skills.filter { !drops.prefix(count).contains($0) })
            }) else { return nil }
            let level = queue.skills.reduce(0) { $0 + (agent.skills[$1] ?? 0) }
            return QueuePlan.Candidate(jid: agent.jid.description, capacity: agent.maxChats, level: level, dropsNeeded: needed)
        }
        let offerTimeout: Duration? = if case .manual(let timeout) = queue.accept { timeout } else { nil }
        let plan = QueuePlan(queue: queue.name, strategy: queue.strategy.rawValue, offerTimeout: offerTimeout, candidates: candidates,
            replyTimeout: queue.replyTimeout)
        return Queue(queue, plan: plan)
    }
}
