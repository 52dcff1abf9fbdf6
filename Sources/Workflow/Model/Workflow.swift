import XMPP

/// A routing configuration: connections, limits, queues, agents and canned replies, as loaded from a
/// workflow file (see `Workflow.load(path:environment:)`).
public struct Workflow: Sendable, Hashable {
    public var xmpp: XMPPSettings
    public var redis: RedisSettings
    /// Where the web widget is served; nil when the file has no `http` section (no web service).
    public var http: HTTPSettings?
    /// The stats service's address and token; nil when the file has no `stats` section.
    public var stats: StatsServiceSettings?
    public var limits: Limits
    /// In the order of the file.
    public var queues: [Queue]
    /// In the order of the file.
    public var agents: [Agent]
    /// In the order of the file.
    public var canned: [CannedReply]
    /// In the order of the file; delivered by `switchboard webhooks serve`.
    public var webhooks: [Webhook]
    /// How long a closed chat (its record, transcript and events) is kept; zero keeps nothing after close.
    public var retention: Duration
    /// What is removed from visitors' and agents' lines before they are stored or passed on.
    public var redact: [RedactionRule]
    /// How long the audit log (`{prefix}:audit`) keeps agents' and supervisors' actions.
    public var auditRetention: Duration

    public static let defaultRetention: Duration = .seconds(30 * 86_400)
    public static let defaultAuditRetention: Duration = .seconds(365 * 86_400)

    public init(
        xmpp: XMPPSettings,
        redis: RedisSettings = RedisSettings(),
        http: HTTPSettings? = nil,
        stats: StatsServiceSettings? = nil,
        limits: Limits = Limits(),
        queues: [Queue],
        agents: [Agent],
        canned: [CannedReply] = [],
        webhooks: [Webhook] = [],
        retention: Duration = Workflow.defaultRetention,
        redact: [RedactionRule] = [],
        auditRetention: Duration = Workflow.defaultAuditRetention
    ) {
        self.xmpp = xmpp
        self.redis = redis
        self.http = http
        self.stats = stats
        self.limits = limits
        self.queues = queues
        self.agents = agents
        self.canned = canned
        self.webhooks = webhooks
        self.retention = retention
        self.redact = redact
        self.auditRetention = auditRetention
    }

    /// The queue marked `default: true`, else the first; nil only for a workflow without queues,
    /// which the loader refuses.
    public var defaultQueue: Queue? {
        queues.first(where: \.isDefault) ?? queues.first
    }

    public func queue(named name: String) -> Queue? {
        queues.first { $0.name == name }
    }

    /// The queue a visitor's message to `local@DOMAIN` reaches: the default queue for the domain
    /// itself (no local part). Local parts are case-folded, as JIDs compare them.
    public func queue(addressedTo local: String?) -> Queue? {
        guard let local else { return defaultQueue }
        return queue(named: local.lowercased())
    }

    /// The agent with this address, whatever its resource.
    public func agent(_ jid: JID) -> Agent? {
        let bare = jid.bare
        return agents.first { $0.jid == bare }
    }

    public func cannedReply(_ key: String) -> CannedReply? {
        canned.first { $0.key == key }
    }
}
