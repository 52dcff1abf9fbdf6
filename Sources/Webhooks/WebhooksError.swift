/// Why the webhooks service or its commands failed.
public enum WebhooksError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Something in Redis is not what this service wrote.
    case corrupt(String)
    /// A Redis transaction did not run (`EXEC` aborted or a command in it failed).
    case transactionFailed(String)
    /// No dead letter has this id.
    case noSuchDeadLetter(String)
    /// A dead letter's hook is not in the workflow any more: replaying it would deliver nowhere.
    case unknownHook(String)

    public var description: String {
        switch self {
        case .corrupt(let reason): "unexpected data in Redis: \(reason)"
        case .transactionFailed(let reason): "a Redis transaction failed: \(reason)"
        case .noSuchDeadLetter(let id): "no dead letter has the id '\(id)' (switchboard webhooks failed lists them)"
        case .unknownHook(let name): "the workflow has no webhook named '\(name)' any more; add it back to replay its dead letters"
        }
    }
}
