import Redis
import SwitchboardTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct RedisAuthTests {
    private static let password = "correct horse"

    @Test func passwordFromTheURLAuthenticates() async throws {
        try await withRedisServer(extraArguments: ["--requirepass", Self.password]) { server in
            for url in ["redis://:correct%20horse@127.0.0.1:\(server.port)", "redis://default:correct%20horse@127.0.0.1:\(server.port)"] {
                let reply = try await withClient(url) { client in try await client.send("PING") }
                #expect(reply == .status("PONG"))
            }
        }
    }

    @Test func wrongPasswordFailsWithAClearErrorAtOnce() async throws {
        try await withRedisServer(extraArguments: ["--requirepass", Self.password]) { server in
            // A long wait proves the failure does not come from giving up on the connection.
            try await withClient("redis://:not-the-password@127.0.0.1:\(server.port)", configure: { $0.connectionWait = .seconds(30) }) { client in
                let clock = ContinuousClock()
                let started = clock.now
                let error = await #expect(throws: RedisError.self) { try await client.send("PING") }
                #expect(clock.now - started < .seconds(10))
                guard case .authenticationFailed(let message) = error else {
                    Issue.record("expected authenticationFailed, got \(String(describing: error))")
                    return
                }
                #expect(message.hasPrefix("WRONGPASS"))
                #expect(error?.description.contains("not-the-password") == false)
            }
        }
    }

    @Test func missingPasswordIsTheServersNOAUTH() async throws {
        try await withRedisServer(extraArguments: ["--requirepass", Self.password]) { server in
            try await withClient(server.url) { client in
                let error = await #expect(throws: RedisError.self) { try await client.send("GET", "x") }
                #expect(error?.description.contains("NOAUTH") == true)
            }
        }
    }
}
