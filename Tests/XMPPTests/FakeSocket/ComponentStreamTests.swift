import Logging
import Reconnect
import SwitchboardTesting
import Testing
import XMPP

/// The component link (XEP-0114) against a fake server socket, as slixmpp's `test_stream_*`:
/// the test writes the server's side by hand, so the link's behaviour (handshake, refusal,
/// stanzas both ways, stream errors, reconnecting) is pinned without a live Prosody.
@Suite struct ComponentStreamTests {
    static let secret = "fake-secret"
    static let domain = "support.localhost"
    /// What the component sends first.
    static let clientHeader =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='support.localhost'>"

    static func configuration(_ server: FakeXMPPServer) -> ComponentConfiguration {
        ComponentConfiguration(
            host: "127.0.0.1", port: server.port, domain: domain, secret: secret,
            // Generous: a full parallel test run on two loaded cores can take seconds per step.
            handshakeTimeout: .seconds(60),
            backoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
    }

    /// The server's stream header, with the stream id the handshake digest is made from.
    static func serverHeader(id: String) -> String {
        "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='\(id)' from='\(domain)'>"
    }

    /// Plays the server's half of a successful handshake on the next connection.
    static func acceptHandshake(_ server: FakeXMPPServer, id: String) async throws -> FakeServerConnection {
        let connection = try await server.nextConnection()
        #expect(try await connection.read(until: ">") == "<?xml version='1.0'?>")
        #expect(try await connection.read(until: "'\(domain)'>") == String(clientHeader.dropFirst("<?xml version='1.0'?>".count)))
        try await connection.write(serverHeader(id: id))
        let handshake = try await connection.read(until: "</handshake>")
        #expect(handshake == "<handshake>\(Digest.sha1Hex(id + secret))</handshake>", "the digest of the stream id and the secret")
        try await connection.write("<handshake/>")
        return connection
    }

    @Test func theHandshakeProvesTheSecretAndConnects() async throws {
        try await FakeXMPPServer.with { server in
            let running = RunningComponent(Self.configuration(server))
            try await withCleanup {
                _ = try await Self.acceptHandshake(server, id: "stream-1")
                try await running.connected()
            } cleanup: { await running.stop() }
        }
    }

    @Test func aRefusedHandshakeIsReportedAndRetried() async throws {
        try await FakeXMPPServer.with { server in
            let running = RunningComponent(Self.configuration(server))
            try await withCleanup {
                let connection = try await server.nextConnection()
                _ = try await connection.read(until: "'\(Self.domain)'>")
                try await connection.write(Self.serverHeader(id: "stream-1"))
                _ = try await connection.read(until: "</handshake>")
                try await connection.write(
                    "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>")
                await connection.close()
                let error = try await running.next("the refusal") { event -> ComponentError? in
                    if case .disconnected(let error, _) = event { error } else { nil }
                }
                #expect(error == .rejected(StreamError(.notAuthorized)), "\(error)")
                #expect("\(error)".contains("refused the component secret"))
                #expect(!"\(error)".contains(Self.secret))
                // It tries again by itself, and a server that now accepts gets it connected.
                _ = try await Self.acceptHandshake(server, id: "stream-2")
                try await running.connected()
            } cleanup: { await running.stop() }
        }
    }

    @Test func stanzasGoBothWays() async throws {
        try await FakeXMPPServer.with { server in
            let running = RunningComponent(Self.configuration(server))
            try await withCleanup {
                let connection = try await Self.acceptHandshake(server, id: "stream-1")
                try await running.connected()
                try await connection.write(
                    "<message from='visitor1@localhost/web' to='sales@support.localhost' type='chat'><body>I need help &amp; fast</body></message>")
                let stanza = try await running.stanza()
                guard case .message(let message) = stanza else {
                    Issue.record("expected a message, got \(stanza)")
                    return
                }
                #expect(message.body == "I need help & fast")
                #expect(message.from == (try JID("visitor1@localhost/web")))

                running.component.send(Message(to: try JID("visitor1@localhost/web"), from: try JID("sales@support.localhost"), body: "Hello <there>"))
                let sent = try await connection.read(until: "</message>")
                #expect(sent.hasPrefix("<message"))
                #expect(sent.contains("to='visitor1@localhost/web'") && sent.contains("from='sales@support.localhost'"))
                #expect(sent.contains("<body>Hello &lt;there&gt;</body>"))
                #expect(!sent.contains("xmlns='jabber:component:accept'"), "stanzas take the stream's namespace")
            } cleanup: { await running.stop() }
        }
    }

    @Test func aStreamErrorEndsTheLinkAndItReconnectsSendingWhatWaited() async throws {
        try await FakeXMPPServer.with { server in
            let running = RunningComponent(Self.configuration(server))
            try await withCleanup {
                let first = try await Self.acceptHandshake(server, id: "stream-1")
                try await running.connected()
                try await first.write(
                    "<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>")
                let error = try await running.next("the stream error") { event -> ComponentError? in
                    if case .disconnected(let error, _) = event { error } else { nil }
                }
                #expect(error == .streamError(StreamError(.systemShutdown)), "\(error)")
                try await first.closedByClient()

                // Sent while the link is down: it waits, and goes out on the next link.
                running.component.send(Message(to: try JID("visitor1@localhost"), from: try JID("sales@support.localhost"), body: "queued"))
                let second = try await Self.acceptHandshake(server, id: "stream-2")
                try await running.connected()
                #expect(try await second.read(until: "</message>").contains("<body>queued</body>"))
            } cleanup: { await running.stop() }
        }
    }

    @Test func aServerThatHangsUpIsReconnected() async throws {
        try await FakeXMPPServer.with { server in
            let running = RunningComponent(Self.configuration(server))
            try await withCleanup {
                let first = try await Self.acceptHandshake(server, id: "stream-1")
                try await running.connected()
                await first.close()
                let error = try await running.next("the link to drop") { event -> ComponentError? in
                    if case .disconnected(let error, _) = event { error } else { nil }
                }
                #expect(error == .closed || { if case .linkFailed = error { true } else { false } }(), "\(error)")
                _ = try await Self.acceptHandshake(server, id: "stream-2")
                try await running.connected()
            } cleanup: { await running.stop() }
        }
    }

    @Test func anIdleLinkIsPingedAndASilentOneIsReconnected() async throws {
        try await FakeXMPPServer.with { server in
            var configuration = Self.configuration(server)
            // The test must answer the ping before two intervals of silence: on a loaded CI machine
            // a task waited over 10 s to run, so the window is wide (the silent phase then takes
            // 10–15 s, which runs alongside the other tests).
            configuration.keepaliveInterval = .seconds(5)
            let running = RunningComponent(configuration)
            try await withCleanup {
                let first = try await Self.acceptHandshake(server, id: "stream-1")
                try await running.connected()
                // Idle for half an interval: a ping through the server; its answer stays inside the link.
                let ping = try await first.read(until: "</iq>")
                #expect(ping.contains("type='get'") && ping.contains("<ping xmlns='urn:xmpp:ping'/>"), "\(ping)")
                let id = try #require(ping.firstRange(of: "id='").map { ping[$0.upperBound...].prefix { $0 != "'" } })
                try await first.write("<iq type='result' id='\(id)' from='localhost' to='\(Self.domain)'/>")
                try await first.write("<message from='visitor1@localhost/web' to='sales@support.localhost'><body>after the ping</body></message>")
                let stanza = try await running.stanza()
                #expect({ if case .message(let m) = stanza { m.body == "after the ping" } else { false } }(), "\(stanza)")
                // Then silence (pings unanswered): after two intervals the link is dropped and made again.
                try await first.closedByClient()
                _ = try await Self.acceptHandshake(server, id: "stream-2")
                try await running.connected()
            } cleanup: { await running.stop() }
        }
    }

    @Test func aServerThatNeverAnswersTheHandshakeTimesOut() async throws {
        try await FakeXMPPServer.with { server in
            var configuration = Self.configuration(server)
            configuration.handshakeTimeout = .milliseconds(300)
            let running = RunningComponent(configuration)
            try await withCleanup {
                let connection = try await server.nextConnection()
                _ = try await connection.read(until: "'\(Self.domain)'>")
                // Silence: no header comes back.
                let error = try await running.next("the handshake timeout") { event -> ComponentError? in
                    if case .disconnected(let error, _) = event { error } else { nil }
                }
                #expect(error == .handshakeTimeout, "\(error)")
            } cleanup: { await running.stop() }
        }
    }
}
