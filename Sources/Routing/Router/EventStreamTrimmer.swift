import Logging

/// Keeps the routing event stream short: every half minute it drops the entries every consumer
/// group (stats, webhooks…) has acknowledged that are older than the closed chats' retention, at
/// most a day (the stats keep their own aggregates; the stream is only the way there). Each
/// router trims; trimming twice is harmless. Entries a group has not acknowledged stay, so a
/// stopped consumer resumes where it was; `MAXLEN ~1000000` on every append still caps the stream.
/// The audit log is trimmed here too, by time alone (`audit_retention`).
struct EventStreamTrimmer {
    static let interval: Duration = .seconds(30)
    static let longestBound: Duration = .seconds(86_400)

    let store: RoutingStore
    let logger: Logger

    func run() async {
        while !Task.isCancelled {
            do {
                let bound = min(store.closedChatRetention, Self.longestBound)
                let removed = try await store.trimEvents(olderThan: bound)
                if removed > 0 { logger.debug("event stream trimmed", metadata: ["entries": "\(removed)"]) }
            } catch {
                logger.warning("cannot trim the event stream: \(error)")
            }
            do {
                let removed = try await store.trimAuditLog()
                if removed > 0 { logger.debug("audit log trimmed", metadata: ["entries": "\(removed)"]) }
            } catch {
                logger.warning("cannot trim the audit log: \(error)")
            }
            try? await Task.sleep(for: Self.interval)
        }
    }
}
