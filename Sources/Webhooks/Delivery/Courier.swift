import Foundation
import Logging
import Synchronization
import Workflow

/// Delivers one hook's events: each chat's events one after another, in order, many chats at
/// once. A chat whose first event fails waits for its retry while the other chats go on; after
/// the retry period the event becomes a dead letter and the chat's next event is tried.
struct Courier: Sendable {
    let hook: Webhook
    let queue: HookQueue
    let sender: WebhookSender
    let policy: RetryPolicy
    let metrics: DeliveryMetrics
    let doorbell: Doorbell
    let logger: Logger
    /// Chats delivered to at once.
    let concurrency: Int

    init(
        hook: Webhook, queue: HookQueue, sender: WebhookSender, policy: RetryPolicy, metrics: DeliveryMetrics, logger: Logger,
        concurrency: Int = 16
    ) {
        self.hook = hook
        self.queue = queue
        self.sender = sender
        self.policy = policy
        self.metrics = metrics
        self.doorbell = Doorbell()
        self.concurrency = concurrency
        var logger = logger
        logger[metadataKey: "hook"] = "\(hook.name)"
        self.logger = logger
    }

    /// Until the task is cancelled or `running` says stop.
    func run(running: @escaping @Sendable () -> Bool) async {
        let inFlight = ChatsInFlight()
        await withDiscardingTaskGroup { group in
            while running() && !Task.isCancelled {
                var wait = Duration.seconds(1)
                do {
                    let now = Self.now()
                    let busy = inFlight.withLock { $0 }
                    let due = try await queue.due(now: now, limit: concurrency + busy.count).filter { !busy.contains($0) }
                    let room = concurrency - busy.count
                    for chat in due.prefix(max(room, 0)) {
                        inFlight.withLock { _ = $0.insert(chat) }
                        group.addTask {
                            await deliver(chat)
                            inFlight.withLock { _ = $0.remove(chat) }
                            doorbell.ring()
                        }
                    }
                    // More due than room: a finishing delivery rings. Else sleep until the next retry.
                    if due.count <= room, let next = try await queue.nextDue(after: now) {
                        wait = .milliseconds(min(max(next - now, 1), 1000))
                    }
                } catch {
                    logger.warning("reading the hook's queue failed; retrying", metadata: ["error": "\(error)"])
                }
                await doorbell.wait(upTo: wait)
            }
        }
    }

    /// Delivers the chat's events until it has none left or one fails (and waits for its retry).
    private func deliver(_ chat: String) async {
        var logger = logger
        logger[metadataKey: "chat"] = "\(chat)"
        do {
            while !Task.isCancelled {
                let first: PendingDelivery?
                do { first = try await queue.first(chat) } catch let error as WebhooksError {
                    // Not something this service wrote: it cannot be sent, and must not block the chat.
                    logger.error("dropped an unreadable queued delivery", metadata: ["error": "\(error)"])
                    try await queue.dropFirst(chat)
                    continue
                }
                guard let delivery = first else {
                    if try await queue.settleIfEmpty(chat, now: Self.now()) { continue }
                    return
                }
                let started = ContinuousClock.now
                let outcome = await sender.post(delivery, to: hook)
                let now = Self.now()
                switch outcome {
                case .delivered(let status):
                    try await queue.delivered(chat)
                    metrics.delivered(hook.name, request: ContinuousClock.now - started, age: .milliseconds(now - delivery.ts))
                    logger.debug("delivered", metadata: ["event": "\(delivery.event)", "id": "\(delivery.id)", "status": "\(status)"])
                case .failed(let reason):
                    metrics.failedAttempt(hook.name)
                    let (attempts, first) = try await queue.failed(chat, now: now)
                    if let next = policy.nextTry(attempts: attempts, firstFailure: first, now: now) {
                        try await queue.retry(chat, at: next)
                        logger.info("delivery failed; will retry", metadata: [
                            "event": "\(delivery.event)", "id": "\(delivery.id)", "error": "\(reason)", "attempts": "\(attempts)",
                            "retry_in": "\(Duration.milliseconds(next - now))",
                        ])
                        return
                    }
                    let letter = DeadLetter(
                        hook: hook.name, delivery: delivery, attempts: attempts, firstFailure: first, failedAt: now, lastError: reason)
                    try await queue.deadLetter(chat, letter)
                    metrics.deadLettered(hook.name)
                    logger.warning("delivery given up: a dead letter now", metadata: [
                        "event": "\(delivery.event)", "id": "\(letter.id)", "error": "\(reason)", "attempts": "\(attempts)",
                    ])
                }
            }
        } catch {
            // Redis failed in between: the chat stays in the due set and is tried again shortly.
            logger.warning("delivery bookkeeping failed; the chat is retried", metadata: ["error": "\(error)"])
            try? await queue.retry(chat, at: Self.now() + 1000)
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// The chats a courier is delivering to right now: they are due, but must not be started twice.
private final class ChatsInFlight: Sendable {
    private let chats = Mutex<Set<String>>([])

    func withLock<T>(_ body: (inout Set<String>) -> T) -> T { chats.withLock { body(&$0) } }
}
