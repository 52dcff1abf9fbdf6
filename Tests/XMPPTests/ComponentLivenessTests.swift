import Foundation
import Logging
import Reconnect
import SwitchboardTesting
import Testing
import XMPP

/// The component notices a server that hangs without closing TCP, and leaves a quiet one alone.
@Suite(.serialized) struct ComponentLivenessTests {
    /// `interval` must be long enough that a loaded machine's scheduling delays (Prosody's
    /// answer to a ping included) stay well inside one interval.
    static func configuration(_ server: ProsodyServer, interval: Duration = .milliseconds(500)) -> ComponentConfiguration {
        var configuration = server.componentConfiguration()
        configuration.keepaliveInterval = interval
        configuration.handshakeTimeout = interval
        return configuration
    }

    @Test func anIdleLinkStaysUpOnItsOwnPings() async throws {
        try await withProsodyServer { server in
            // A full test run loads both cores (browsers, tmux, many servers, now 458 tests): a
            // ping's answer came late enough there that a 2 s check dropped the link in about one
            // full run in three, so this link checks every 5 s.
            let running = RunningComponent(Self.configuration(server, interval: .seconds(5)))
            try await withCleanup {
                try await running.connected()
                // Nothing to await here: the point is that nothing happens for two check intervals.
                try await Task.sleep(for: .seconds(11))
                running.component.send(IQ(type: .get, id: "probe", to: try JID(server.serviceDomain),
                                          from: try JID(server.serviceDomain), payload: XMLElement("ping", namespace: Namespace.ping),
                                          namespace: Namespace.component))
                let event = try await running.next("the probe or a disconnection") { event -> String? in
                    switch event {
                    case .disconnected(let error, _): "disconnected: \(error)"
                    case .stanza(.iq(let iq)) where iq.id == "probe": "probe"
                    default: nil
                    }
                }
                #expect(event == "probe", "the link stayed up and carries stanzas")
            } cleanup: {
                await running.stop()
            }
        }
    }

    @Test func aHungServerIsDetectedAndTheLinkComesBack() async throws {
        try await withProsodyServer { server in
            let running = RunningComponent(Self.configuration(server))
            try await withCleanup {
                try await running.connected()
                let pid = try #require(server.pid)
                kill(pid, SIGSTOP)
                let error = try await running.next("the silent link to be dropped") { event -> ComponentError? in
                    if case .disconnected(let error, _) = event { error } else { nil }
                }
                kill(pid, SIGCONT)
                #expect(error != .rejected(StreamError(.notAuthorized)))
                try await running.connected()
            } cleanup: {
                if let pid = server.pid { kill(pid, SIGCONT) }
                await running.stop()
            }
        }
    }
}
