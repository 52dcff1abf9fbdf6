import Yams

extension WorkflowReader {
    /// The whole workflow, or nil when anything is wrong (and every problem has been noted).
    func workflow(_ root: Node) -> Workflow? {
        // Top-level keys starting with `x-` are left alone: a place for YAML anchors shared below.
        guard let fields = fields(root, "the workflow", allowed: WorkflowKeys.workflow, ignoring: "x-") else { return nil }
        let xmpp = xmppSettings(fields["xmpp"], root: fields)
        let redis = redisSettings(fields["redis"])
        let http = fields["http"].map { httpSettings($0) }
        let stats = fields["stats"].map { statsSettings($0) }
        let limits = limits(fields["limits"])
        // Agents come first whatever the file's order: queues are checked against their skills.
        var agents: [Agent] = []
        var skills: Set<String>?
        if let node = nonEmpty(fields, "agents", "the workflow has no agents: list them under 'agents', each with at least a jid") {
            (agents, skills) = self.agents(node, serviceDomain: xmpp?.domain ?? XMPPSettings.defaultDomain)
        }
        var queues: [Queue] = []
        if let node = nonEmpty(fields, "queues", "the workflow has no queues: list them under 'queues', each with at least a name") {
            queues = self.queues(node, agentSkills: skills)
        }
        let canned = cannedReplies(fields["canned"])
        let webhooks = self.webhooks(fields["webhooks"])
        let retention = fields["retention"].flatMap { node in
            value(node, "retention") { text throws(WorkflowValueError) in try Duration(workflowText: text, allowingDays: true) }
        }
        let redact = redactionRules(fields["redact"])
        let auditRetention = fields["audit_retention"].flatMap { node in
            value(node, "audit_retention") { text throws(WorkflowValueError) in
                let duration = try Duration(workflowText: text, allowingDays: true)
                guard duration >= .seconds(86_400) else { throw WorkflowValueError("must be at least 1d, not \(text)") }
                return duration
            }
        }
        guard problems.isEmpty, let xmpp else { return nil }
        return Workflow(
            xmpp: xmpp, redis: redis, http: http, stats: stats, limits: limits, queues: queues, agents: agents, canned: canned,
            webhooks: webhooks, retention: retention ?? Workflow.defaultRetention, redact: redact,
            auditRetention: auditRetention ?? Workflow.defaultAuditRetention)
    }

    /// The value of a section that must list something, noting `absent` when it is missing or empty.
    private func nonEmpty(_ fields: Fields, _ key: String, _ absent: String) -> Node? {
        if let node = fields[key], node.sequence?.isEmpty != true { return node }
        note(absent, at: fields.entry(key)?.keyNode ?? fields.node)
        return nil
    }
}
