import Reconnect
import Logging
import SwitchboardTesting
import Testing
import XMPP

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
