import Foundation

/// An event a hook did not accept within the retry period: kept until replayed.
public struct DeadLetter: Sendable, Hashable, Codable {
    /// `HOOK/STREAM-ID`: what `switchboard webhooks replay` takes.
    public var id: String { "\(hook)/\(delivery.id)" }
    public var hook: String
    public var delivery: PendingDelivery
    public var attempts: Int
    /// When the first attempt failed and when it was given up, ms since 1970.
    public var firstFailure: Int64
    public var failedAt: Int64
    /// The last attempt's outcome (`HTTP 500`, `timed out after 10s`, `connection refused`...).
    public var lastError: String

    public init(hook: String, delivery: PendingDelivery, attempts: Int, firstFailure: Int64, failedAt: Int64, lastError: String) {
        self.hook = hook
        self.delivery = delivery
        self.attempts = attempts
        self.firstFailure = firstFailure
        self.failedAt = failedAt
        self.lastError = lastError
    }

    func encoded() -> String {
        String(decoding: (try? JSONEncoder.sorted.encode(self)) ?? Data(), as: UTF8.self)
    }

    static func decoded(_ text: String) throws(WebhooksError) -> DeadLetter {
        do { return try JSONDecoder().decode(DeadLetter.self, from: Data(text.utf8)) } catch {
            throw .corrupt("a dead letter is not readable: \(error)")
        }
    }
}
