// A workflow is logged when the router starts or reloads: the description shows what it routes.
// The component secret (`Secret`) and any Redis password (`RedisSettings`) hide themselves in
// descriptions and mirrors alike, so `dump(workflow)` is as safe as `print(workflow)`.
extension Workflow: CustomStringConvertible {
    public var description: String {
        let queueNames = queues.map { $0.name == defaultQueue?.name ? "\($0.name) (default)" : $0.name }
        return "Workflow(queues: \(queueNames.joined(separator: ", ")); agents: \(agents.count); "
            + "canned replies: \(canned.count); xmpp: \(xmpp); redis: \(redis); http: \(http.map(\.description) ?? "none"); stats: \(stats.map(\.description) ?? "none"); "
            + "webhooks: \(webhooks.isEmpty ? "none" : webhooks.map(\.description).joined(separator: "; ")); "
            + "redact: \(redact.isEmpty ? "nothing" : redact.map(\.label).joined(separator: ", ")))"
    }
}
