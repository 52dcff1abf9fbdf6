import LocalServices
import XMPP

/// Looks at state that gives no event to await (a terminal's screen, a key another process
/// writes in Redis, a page in a browser, a process in another tree) every `interval` until
/// `check` returns a value, failing with `TimedOut` after `limit`. Where an event exists, await
/// it instead.
public func poll<T: Sendable>(
    _ limit: Duration = .seconds(60), _ what: String, every interval: Duration,
    _ check: @escaping @Sendable () async throws -> T?
) async throws -> T {
    try await within(limit, what) {
        while true {
            if let value = try await check() { return value }
            try await Task.sleep(for: interval)
        }
    }
}

/// `poll` for a condition.
public func poll(
    _ limit: Duration = .seconds(60), _ what: String, every interval: Duration,
    until condition: @escaping @Sendable () async throws -> Bool
) async throws {
    try await poll(limit, what, every: interval) { try await condition() ? () : nil }
}

extension XMPPClient {
    /// The next incoming stanza `matching` returns a value for.
    public func next<T: Sendable>(_ what: String, _ matching: @escaping @Sendable (Stanza) -> T?) async throws -> T {
        let stanzas = self.stanzas
        return try await within(.seconds(60), what) {
            for try await stanza in stanzas {
                if let value = matching(stanza) { return value }
            }
            throw TimedOut(what: "\(what) (the session ended)")
        }
    }

    /// The next message with a body starting with `prefix`.
    public func message(_ what: String, startingWith prefix: String) async throws -> Message {
        try await next(what) { stanza in
            if case .message(let message) = stanza, message.body?.hasPrefix(prefix) == true { message } else { nil }
        }
    }
}
