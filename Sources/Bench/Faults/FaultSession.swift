import Logging
import Synchronization
import XMPP

/// An XMPP session that signs in again whenever the server drops it (ejabberd restarted), as a
/// client app does: each new connection says it is available (`greet`), then `run` hands every
/// stanza to its handler. `send` uses the connection of the moment and fails while there is none.
final class FaultSession: Sendable {
    let configuration: ClientConfiguration
    private let greet: @Sendable (XMPPClient) async throws -> Void
    private let logger: Logger
    private let client = Mutex<XMPPClient?>(nil)
    private let stopped = Atomic<Bool>(false)
    /// Connections made, the first included.
    let connections = Atomic<Int>(0)

    init(_ configuration: ClientConfiguration, logger: Logger, greet: @escaping @Sendable (XMPPClient) async throws -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.greet = greet
    }

    /// Signs in the first time; throws if that fails (the run cannot start).
    func connect() async throws {
        let first = try await XMPPClient.connect(configuration, logger: logger)
        try await greet(first)
        client.withLock { $0 = first }
        connections.add(1, ordering: .relaxed)
    }

    /// Reads the connection of the moment until it ends, then signs in again (every 250 ms until
    /// it works), until `stop()`.
    func run(_ handle: @Sendable (Stanza) async -> Void) async {
        while !stopped.load(ordering: .relaxed) {
            if let current = client.withLock({ $0 }) {
                do {
                    for try await stanza in current.stanzas { await handle(stanza) }
                } catch {}
                client.withLock { if $0 === current { $0 = nil } }
                await current.close()
                continue
            }
            do {
                let next = try await XMPPClient.connect(configuration, logger: logger)
                try await greet(next)
                if stopped.load(ordering: .relaxed) {
                    await next.close()
                    return
                }
                client.withLock { $0 = next }
                connections.add(1, ordering: .relaxed)
            } catch {
                // The server is restarting: a client retries after a moment.
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    func send(_ stanza: some StanzaElement) async throws {
        guard let current = client.withLock({ $0 }) else { throw BenchError.setup("\(configuration.jid.bare) is not connected") }
        try await current.send(stanza)
    }

    func stop() async {
        stopped.store(true, ordering: .relaxed)
        if let current = client.withLock({ session in defer { session = nil }; return session }) { await current.close() }
    }
}

/// Settles waits by key: a receipt, a `received` frame, an answer, a `closed` frame. A wait gives
/// up after its limit (then the visitor sends again, as a client does).
actor Confirmations {
    private var settled: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Bool, Never>]] = [:]

    func settle(_ key: String) {
        settled.insert(key)
        for waiter in waiting.removeValue(forKey: key) ?? [] { waiter.resume(returning: true) }
    }

    func isSettled(_ key: String) -> Bool { settled.contains(key) }

    /// True once `key` is settled; false after `limit` without.
    func wait(for key: String, upTo limit: Duration) async -> Bool {
        if settled.contains(key) { return true }
        let timeout = Task {
            try await Task.sleep(for: limit)
            self.expire(key)
        }
        defer { timeout.cancel() }
        return await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    private func expire(_ key: String) {
        for waiter in waiting.removeValue(forKey: key) ?? [] { waiter.resume(returning: settled.contains(key)) }
    }
}
