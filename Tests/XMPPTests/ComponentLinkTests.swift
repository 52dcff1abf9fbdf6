import Reconnect
import Logging
import SwitchboardTesting
import Testing
import XMPP

/// The XEP-0114 component against a real Prosody, with our c2s client on the other side.
@Suite(.serialized) struct ComponentLinkTests {
    @Test func exchangesMessagesWithAClient() async throws {
        try await withProsodyServer(.init(accounts: ["visitor1": "secret"])) { server in
            let running = RunningComponent(server.componentConfiguration())
            try await withCleanup {
                try await running.connected()
                let client = try await XMPPClient.connect(server.clientConfiguration("visitor1"), logger: Logger(label: "test"))
                try await withCleanup {
                    try await client.send(Message(to: try JID("sales@support.localhost"), body: "I need help <now> & 🙂"))
                    let received = try await running.stanza()
                    guard case .message(let message) = received else {
                        Issue.record("expected a message, got \(received)")
                        return
                    }
                    #expect(message.body == "I need help <now> & 🙂")
                    #expect(message.from == client.jid, "the server stamps the sender's full JID")

                    running.component.send(Message(to: client.jid, from: try JID("sales@support.localhost"), body: "Hello, how can I help?"))
                    let reply = try await client.next("the reply") { if case .message(let m) = $0 { m } else { nil } }
                    #expect(reply.body == "Hello, how can I help?")
                    #expect(reply.from == (try JID("sales@support.localhost")))

                    // Directed presence reaches the component too: agents' availability rides on it.
                    try await client.send(Presence(to: try JID("support.localhost"), show: .dnd))
                    let presence = try await running.next("presence") { if case .stanza(.presence(let p)) = $0 { p } else { nil } }
                    #expect(presence.show == .dnd && presence.from == client.jid)
                } cleanup: { await client.close() }
            } cleanup: { await running.stop() }
        }
    }

    @Test func wrongSecretIsReportedAndRetriedWithBackoff() async throws {
        try await withProsodyServer { server in
            let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0.5)
            let running = RunningComponent(server.componentConfiguration(secret: "wrong", backoff: backoff))
            try await withCleanup {
                var delays: [Double] = []
                for attempt in 1...3 {
                    let (error, delay) = try await running.next("failure \(attempt)") { event -> (ComponentError, Duration)? in
                        if case .disconnected(let error, let delay) = event { (error, delay) } else { nil }
                    }
                    #expect({ if case .rejected(let e) = error { e.condition == .notAuthorized } else { false } }(), "\(error)")
                    #expect("\(error)".contains("refused the component secret"))
                    #expect(!"\(error)".contains("wrong"), "the secret never appears in messages")
                    delays.append(delay.seconds)
                }
                // Each retry waits at least half of a doubling ceiling: no reconnect storm.
                #expect(delays[0] >= 0.05 && delays[1] >= 0.1 && delays[2] >= 0.2, "delays \(delays)")
            } cleanup: { await running.stop() }
        }
    }

    /// Issue 17: a wrong secret was retried 4 times in 1.3 s (the backoff for a dropped link).
    /// With the router's default settings the first retry after a refusal waits seconds.
    @Test func wrongSecretIsRetriedSlowlyByDefault() async throws {
        try await withProsodyServer { server in
            var configuration = server.componentConfiguration(secret: "wrong")
            configuration.refusedBackoff = ComponentConfiguration(secret: "x").refusedBackoff
            let running = RunningComponent(configuration)
            try await withCleanup {
                let delay = try await running.next("the refusal") { event -> Duration? in
                    if case .disconnected(.rejected, let delay) = event { delay } else { nil }
                }
                #expect(delay >= .seconds(4), "first retry after a refused secret in \(delay)")
            } cleanup: { await running.stop() }
        }
    }

    @Test func aSecondRouterForTheSameDomainIsToldItIsTaken() async throws {
        try await withProsodyServer { server in
            let first = RunningComponent(server.componentConfiguration())
            try await withCleanup {
                try await first.connected()
                let second = RunningComponent(server.componentConfiguration())
                try await withCleanup {
                    let error = try await second.next("the conflict") { event -> ComponentError? in
                        if case .disconnected(let error, _) = event { error } else { nil }
                    }
                    #expect("\(error)".contains("already connected"), "\(error)")
                } cleanup: { await second.stop() }
            } cleanup: { await first.stop() }
        }
    }

    @Test func reconnectsByItselfWhenProsodyRestarts() async throws {
        try await withProsodyServer(.init(accounts: ["visitor1": "secret"])) { server in
            let running = RunningComponent(server.componentConfiguration())
            try await withCleanup {
                try await running.connected()
                try await server.restart()
                _ = try await running.next("the link to drop") { if case .disconnected = $0 { true } else { nil } }
                try await running.connected()
                // And it works again end to end.
                let client = try await XMPPClient.connect(server.clientConfiguration("visitor1"), logger: Logger(label: "test"))
                try await withCleanup {
                    try await client.send(Message(to: try JID("sales@support.localhost"), body: "after restart"))
                    let stanza = try await running.stanza()
                    #expect({ if case .message(let m) = stanza { m.body == "after restart" } else { false } }())
                } cleanup: { await client.close() }
            } cleanup: { await running.stop() }
        }
    }

    @Test func queuesStanzasWhileTheLinkIsDown() async throws {
        try await withProsodyServer(.init(accounts: ["visitor1": "secret"])) { server in
            let client = try await XMPPClient.connect(server.clientConfiguration("visitor1"), logger: Logger(label: "test"))
            try await withCleanup {
                let component = XMPPComponent(configuration: server.componentConfiguration(), logger: Logger(label: "test"))
                // Sent before the component ever connected: delivered once it has.
                component.send(Message(to: client.jid, from: try JID("sales@support.localhost"), body: "queued"))
                let task = Task { await component.run { _ in } }
                try await withCleanup {
                    let message = try await client.next("the queued message") { if case .message(let m) = $0 { m } else { nil } }
                    #expect(message.body == "queued")
                } cleanup: {
                    task.cancel()
                    await task.value
                }
            } cleanup: { await client.close() }
        }
    }
}
