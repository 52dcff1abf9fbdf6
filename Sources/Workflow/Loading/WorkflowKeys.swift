/// Every key a workflow file may use, per mapping: one list for the reader's checks of unknown
/// keys and for the test that the examples document them all.
enum WorkflowKeys {
    static let workflow = [
        "xmpp", "redis", "http", "stats", "limits", "queues", "agents", "canned", "webhooks", "retention", "redact", "audit_retention",
    ]
    static let xmpp = ["host", "port", "domain", "secret", "tls", "ca_file"]
    static let redis = ["url", "prefix", "min_replicas_ack", "replica_ack_timeout", "ca_file"]
    static let http = ["listen", "allowed_origins", "trusted_proxies", "uploads"]
    static let uploads = ["dir", "max_bytes", "types"]
    static let stats = ["listen", "token", "open_metrics"]
    static let limits = [
        "body_bytes", "flood", "offline_grace", "presence_resync", "gone_timeout", "missed_offers_before_away", "position_update_interval",
        "line_order_hold",
    ]
    static let flood = ["messages", "per"]
    static let queue = [
        "name", "title", "avatar", "default", "skills", "priority", "strategy", "accept", "offer_timeout", "sla",
        "overflow", "messages", "when_no_agents", "hours", "when_closed", "web_form",
        "csat", "csat_window", "max_wait", "reply_timeout", "bot",
    ]
    static let overflowStep = ["after", "drop_skill", "move_to"]
    static let messages = QueueMessages.Kind.allCases.map(\.rawValue)
    /// Besides day keys such as `mon-fri`.
    static let hours = ["timezone"]
    static let agent = ["jid", "name", "skills", "max_chats", "role"]
    static let webhook = ["name", "url", "events", "secret", "timeout"]
    static let redactPattern = ["label", "pattern"]
    /// A queue's `bot`.
    static let bot = ["url", "secret", "timeout"]

    static let all = [
        workflow, xmpp, redis, http, uploads, stats, limits, flood, queue, overflowStep, messages, hours, agent, webhook, redactPattern, bot,
    ].flatMap { $0 }
}
