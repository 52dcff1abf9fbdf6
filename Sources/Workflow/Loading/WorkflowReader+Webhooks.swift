import Yams

extension WorkflowReader {
    /// The `webhooks` list: each with a url, the events it wants and the secret it is signed with.
    func webhooks(_ node: Node?) -> [Webhook] {
        guard let node, let items = list(node, "webhooks") else { return [] }
        var hooks: [Webhook] = []
        var firstLine: [String: Int] = [:]
        for item in items {
            guard let fields = fields(item, "a webhook", allowed: WorkflowKeys.webhook) else { continue }
            let urlNode = required(fields, "url", in: "a webhook")
            let url = urlNode.flatMap { webhookURL($0) }
            let events = required(fields, "events", in: "a webhook").flatMap(webhookEvents)
            // Like the component secret, the text is never repeated in a problem.
            var secret: Secret?
            if let node = required(fields, "secret", in: "a webhook"), let text = text(node, "secret") {
                if text.isEmpty { note("secret: the webhook's secret is empty (write secret: ${SB_WEBHOOK_SECRET})", at: node) }
                else { secret = Secret(text) }
            }
            let timeout = fields["timeout"].flatMap { node in
                value(node, "timeout") { text throws(WorkflowValueError) in
                    let duration = try Duration(workflowText: text)
                    guard Webhook.timeoutRange.contains(duration) else {
                        throw WorkflowValueError("must be from 100ms to 5m, not \(text)")
                    }
                    return duration
                }
            }
            let nameNode = fields["name"] ?? urlNode
            let name: String? = if let node = fields["name"] { hookName(node) } else { url.flatMap { Webhook.host(of: $0) } }
            guard let url, let events, let secret, let name, let nameNode else { continue }
            if let line = firstLine[name] {
                note("two webhooks are named '\(name)' (first on line \(line)): give each its own name:", at: nameNode)
                continue
            }
            firstLine[name] = nameNode.mark?.line ?? 0
            hooks.append(Webhook(name: name, url: url, events: events, secret: secret, timeout: timeout ?? Webhook.defaultTimeout))
        }
        return hooks
    }

    /// A queue's `bot`: its url and secret, as a webhook's are checked, and its timeout.
    func bot(_ node: Node) -> QueueBot? {
        guard let fields = fields(node, "bot", allowed: WorkflowKeys.bot) else { return nil }
        let url = required(fields, "url", in: "a bot").flatMap { webhookURL($0, of: "a bot") }
        var secret: Secret?
        if let node = required(fields, "secret", in: "a bot"), let text = text(node, "secret") {
            if text.isEmpty { note("secret: the bot's secret is empty (write secret: ${SB_BOT_SECRET})", at: node) }
            else { secret = Secret(text) }
        }
        let timeout = fields["timeout"].flatMap { duration($0, "timeout", in: QueueBot.timeoutRange) }
        guard let url, let secret else { return nil }
        return QueueBot(url: url, secret: secret, timeout: timeout ?? QueueBot.defaultTimeout)
    }

    /// Checked without repeating the URL, which may hold a token.
    private func webhookURL(_ node: Node, of what: String = "a webhook") -> String? {
        value(node, "url") { text throws(WorkflowValueError) in
            let lowered = text.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                throw WorkflowValueError("\(what)'s url must start with http:// or https://")
            }
            guard Webhook.host(of: text) != nil, !text.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw WorkflowValueError("\(what)'s url needs a host and no spaces, as https://crm.example.com/hooks/chat")
            }
            return text
        }
    }

    private func webhookEvents(_ node: Node) -> [WebhookEvent]? {
        guard let items = list(node, "events") else { return nil }
        var events: [WebhookEvent] = []
        let before = problems.count
        for item in items {
            if let event = choice(item, "events", of: WebhookEvent.self), !events.contains(event) { events.append(event) }
        }
        guard problems.count == before else { return nil }
        guard !events.isEmpty else {
            note("events: name at least one of \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", "))", at: node)
            return nil
        }
        return events
    }

    /// Letters, digits, '.', '-' and '_': it names Redis keys and metric labels.
    private func hookName(_ node: Node) -> String? {
        value(node, "name") { text throws(WorkflowValueError) in
            guard !text.isEmpty, text.count <= 64,
                text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
            else { throw WorkflowValueError("'\(text)' may only have letters, digits, '.', '-' and '_' (at most 64)") }
            return text
        }
    }
}
