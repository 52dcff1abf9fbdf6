import Workflow

/// What the figures depend on besides the events: each queue's SLA, and how long per-minute facts are kept.
public struct StatsSettings: Sendable, Hashable {
    /// Queue name → the time within which its chats should be answered.
    public var slas: [String: Duration]
    /// The SLA of a queue not in `slas` (one removed from the workflow since).
    public var defaultSLA: Duration
    /// How long each minute's facts stay in Redis (0: for ever).
    public var retentionSeconds: Int

    public static let defaultRetentionSeconds = 35 * 24 * 3600

    public init(slas: [String: Duration] = [:], defaultSLA: Duration = Queue.defaultSLA, retentionSeconds: Int = defaultRetentionSeconds) {
        self.slas = slas
        self.defaultSLA = defaultSLA
        self.retentionSeconds = retentionSeconds
    }

    /// The SLAs of the workflow's queues.
    public init(workflow: Workflow, retentionSeconds: Int = defaultRetentionSeconds) {
        self.init(
            slas: Dictionary(workflow.queues.map { ($0.name, $0.sla) }, uniquingKeysWith: { first, _ in first }),
            retentionSeconds: retentionSeconds)
    }
}
