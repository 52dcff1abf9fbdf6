import Reconnect
import NIOPosix
import Redis
import SwitchboardTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct RedisReconnectTests {
    @Test func theSameClientWorksAfterTheServerRestarts() async throws {
        // An event loop of its own: on the shared loops, other tests' queued tasks can run before the
        // loop polls the socket, and a command written then meets the dead connection (connectionLost).
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withRedisServer { server in
            try await withClient(server.url, eventLoopGroup: group) { client in
                try await client.send("SET", "before", "restart")
                for round in 1...3 {
                    try await server.restart()
                    // Nothing is saved, so the key is gone; the point is that the command succeeds at all.
                    #expect(try await client.send("GET", "before") == .null, "round \(round)")
                    #expect(try await client.send("INCR", "rounds") == .integer(1))
                }
            }
        }
        try await group.shutdownGracefully()
    }

    @Test func aCommandInFlightWhenTheServerDiesFailsAsConnectionLost() async throws {
        try await withServerAndClient(configure: {
            $0.connectionWait = .milliseconds(300)
            $0.backoff = Backoff(initial: .milliseconds(10), maximum: .milliseconds(50))
        }) { server, client in
            try await killWhileBlocked(server, client)

            // With no server, new commands wait for the configured time, then say why they gave up.
            let error = await #expect(throws: RedisError.self) { try await client.send("PING") }
            guard case .unavailable(let waited, let lastError) = error else {
                Issue.record("expected unavailable, got \(String(describing: error))")
                return
            }
            #expect(waited == .milliseconds(300))
            #expect(lastError?.contains("Connection refused") == true)

            // Back: the client reconnects by itself (its backoff's next attempt, which on a loaded
            // machine can come later than one command's 300 ms wait).
            try await server.restart()
            try await poll(.seconds(20), "the client to reconnect", every: .milliseconds(50)) {
                (try? await client.send("PING")) == .status("PONG")
            }
        }
    }

    @Test func commandsSentDuringTheOutageRunOnceTheServerIsBack() async throws {
        try await withServerAndClient(configure: { $0.connectionWait = .seconds(20) }) { server, client in
            try await killWhileBlocked(server, client)
            // Sent while nothing listens: the command waits instead of failing.
            let waiting = Task { try await client.send("SET", "during", "outage") }
            try await server.restart()
            #expect(try await waiting.value == .status("OK"))
            #expect(try await client.send("GET", "during").string == "outage")
        }
    }

    /// Kills the server while `client` has a BLPOP in flight, and returns once that command failed
    /// as `connectionLost`: from then on the client knows the connection is gone, so a test's next
    /// command cannot race the client's discovery of the drop.
    private func killWhileBlocked(_ server: RedisServer, _ client: RedisClient) async throws {
        // Connected first: with a short connection wait, a loaded machine could otherwise make the
        // BLPOP give up before it ever reaches the server.
        #expect(try await client.send("PING") == .status("PONG"))
        let blocked = Task { try await client.send("BLPOP", "never-filled", "0") }
        // Nothing outside the server signals that the BLPOP has arrived, so poll INFO on a second connection.
        try await withClient(server.url) { observer in
            try await poll(.seconds(20), "the BLPOP to block", every: .milliseconds(5)) {
                try await observer.send("INFO", "clients").string?.contains("blocked_clients:1") == true
            }
        }
        await server.kill()
        await #expect(throws: RedisError.connectionLost) { try await blocked.value }
    }
}
