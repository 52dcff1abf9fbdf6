import Reconnect
import SwitchboardTesting
import Testing
import XMPP

/// A hot standby's link: refused with `conflict` while another component holds the domain, it
/// tries again at its short fixed interval (not the growing backoff), and connects once the
/// server lets it.
@Suite struct StandbyLinkTests {
    static func refuseWithConflict(_ server: FakeXMPPServer, id: String) async throws {
        let connection = try await server.nextConnection()
        _ = try await connection.read(until: "'\(ComponentStreamTests.domain)'>")
        try await connection.write(ComponentStreamTests.serverHeader(id: id))
        _ = try await connection.read(until: "</handshake>")
        try await connection.write(
            "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Component already connected</text></stream:error></stream:stream>")
        await connection.close()
    }

    @Test func aStandbyRetriesAConflictAtItsIntervalAndTakesOver() async throws {
        try await FakeXMPPServer.with { server in
            var configuration = ComponentStreamTests.configuration(server)
            // A backoff far longer than the test: only the standby interval can bring the retries.
            configuration.backoff = Backoff(initial: .seconds(600), maximum: .seconds(600))
            configuration.standbyInterval = .milliseconds(20)
            let running = RunningComponent(configuration)
            try await withCleanup {
                for attempt in 1...3 {
                    try await Self.refuseWithConflict(server, id: "stream-\(attempt)")
                    let (error, retryIn) = try await running.next("refusal \(attempt)") { event -> (ComponentError, Duration)? in
                        if case .disconnected(let error, let retryIn) = event { (error, retryIn) } else { nil }
                    }
                    #expect(error.isConflict, "\(error)")
                    #expect(retryIn == .milliseconds(20), "attempt \(attempt): the standby interval, not the backoff")
                }
                _ = try await ComponentStreamTests.acceptHandshake(server, id: "stream-4")
                try await running.connected()
            } cleanup: { await running.stop() }
        }
    }

    @Test func withoutStandbyAConflictBacksOffLikeAnyRefusal() async throws {
        try await FakeXMPPServer.with { server in
            var configuration = ComponentStreamTests.configuration(server)
            configuration.backoff = Backoff(initial: .seconds(1), maximum: .seconds(1), jitter: 0)
            let running = RunningComponent(configuration)
            try await withCleanup {
                try await Self.refuseWithConflict(server, id: "stream-1")
                let (error, retryIn) = try await running.next("the refusal") { event -> (ComponentError, Duration)? in
                    if case .disconnected(let error, let retryIn) = event { (error, retryIn) } else { nil }
                }
                #expect(error.isConflict)
                #expect("\(error)".contains("another router holds it"))
                #expect(retryIn == .seconds(1))
            } cleanup: { await running.stop() }
        }
    }
}
