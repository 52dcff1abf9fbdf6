import Reconnect
import Logging
import SwitchboardTesting
import Testing
import XMPP

/// A test failed to see what it waited for.
struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `body`, failing with `TimedOut` if it takes longer than `limit` (a guard against hangs,
/// not a synchronisation: the body awaits real events).
func within<T: Sendable>(
    _ limit: Duration = .seconds(20), _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// A component running in a task, with its events recorded for the test to await.
final class RunningComponent: Sendable {
    let component: XMPPComponent
    let events: AsyncStream<ComponentEvent>
    private let task: Task<Void, Never>

    init(_ configuration: ComponentConfiguration, logger: Logger = Logger(label: "test.component")) {
        let component = XMPPComponent(configuration: configuration, logger: logger)
        let (events, continuation) = AsyncStream<ComponentEvent>.makeStream()
        self.component = component
        self.events = events
        task = Task {
            await component.run { continuation.yield($0) }
            continuation.finish()
        }
    }

    /// The next event `matching` returns a value for; events before it are skipped.
    func next<T: Sendable>(_ what: String, _ matching: @escaping @Sendable (ComponentEvent) -> T?) async throws -> T {
        let events = self.events
        return try await within(.seconds(20), what) {
            for await event in events {
                if let value = matching(event) { return value }
            }
            throw TimedOut(what: "\(what) (the component stopped)")
        }
    }

    func connected() async throws {
        try await next("the component to connect") { if case .connected = $0 { true } else { nil } }
    }

    func stanza() async throws -> Stanza {
        try await next("a stanza at the component") { if case .stanza(let stanza) = $0 { stanza } else { nil } }
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

extension ProsodyServer {
    func componentConfiguration(secret: String? = nil, backoff: Backoff = Backoff(initial: .milliseconds(50), maximum: .seconds(1)))
        -> ComponentConfiguration
    {
        ComponentConfiguration(
            host: "127.0.0.1", port: componentPort, domain: serviceDomain, secret: secret ?? componentSecret,
            backoff: backoff)
    }

    func clientConfiguration(_ user: String, password: String = "secret", security: ClientSecurity = .plaintext)
        throws -> ClientConfiguration
    {
        ClientConfiguration(
            jid: try JID("\(user)@\(domain)/test"), password: password, host: "127.0.0.1", port: c2sPort,
            security: security)
    }
}

extension XMPPClient {
    /// The next incoming stanza `matching` returns a value for.
    func next<T: Sendable>(_ what: String, _ matching: @escaping @Sendable (Stanza) -> T?) async throws -> T {
        let stanzas = self.stanzas
        return try await within(.seconds(20), what) {
            for try await stanza in stanzas {
                if let value = matching(stanza) { return value }
            }
            throw TimedOut(what: "\(what) (the session ended)")
        }
    }
}
