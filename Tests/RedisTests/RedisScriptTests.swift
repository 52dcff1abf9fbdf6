import Redis
import SwitchboardTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct RedisScriptTests {
    // KEYS[1]: a counter; ARGV[1]: the increment. Returns the new value.
    private static let incrementBy = RedisScript(
        name: "incrementBy",
        source: "return redis.pcall('INCRBY', KEYS[1], ARGV[1])"
    )

    @Test func firstRunLoadsTheScriptThenEVALSHAIsUsed() async throws {
        try await withServerAndClient { _, client in
            let script = RedisScript(name: "incrementBy", source: Self.incrementBy.source)
            #expect(script.sha == nil)
            #expect(try await client.evalScript(script, keys: ["hits"], args: ["5"]) == .integer(5))
            let sha = try #require(script.sha)
            #expect(sha.count == 40)
            #expect(try await client.send("SCRIPT", "EXISTS", sha) == .array([.integer(1)]))
            #expect(try await client.evalScript(script, keys: ["hits"], args: ["2"]) == .integer(7))
        }
    }

    @Test func scriptFlushIsRecoveredByReloading() async throws {
        try await withServerAndClient { _, client in
            let script = RedisScript(name: "incrementBy", source: Self.incrementBy.source)
            try await client.evalScript(script, keys: ["hits"], args: ["1"])
            try await client.send("SCRIPT", "FLUSH")
            let sha = try #require(script.sha)
            await #expect(throws: RedisError.self) { try await client.send("EVALSHA", sha, "1", "hits", "1") }
            #expect(try await client.evalScript(script, keys: ["hits"], args: ["1"]) == .integer(2))
        }
    }

    @Test func aKnownDigestIsReloadedOnAFreshServer() async throws {
        // The digest learned from one server is reused against another that has never seen the script.
        let script = RedisScript(name: "incrementBy", source: Self.incrementBy.source)
        try await withServerAndClient { _, client in try await client.load(script) }
        #expect(script.sha != nil)
        let reply = try await withServerAndClient { _, client in
            try await client.evalScript(script, keys: ["hits"], args: ["3"])
        }
        #expect(reply == .integer(3))
    }

    @Test func scriptErrorsAreThrown() async throws {
        try await withServerAndClient { _, client in
            let broken = RedisScript(name: "broken", source: "return redis.pcall('NOSUCHCOMMAND')")
            let error = await #expect(throws: RedisError.self) { try await client.evalScript(broken) }
            guard case .server(let message) = error else {
                Issue.record("expected a server error, got \(String(describing: error))")
                return
            }
            #expect(message.contains("Unknown Redis command"))
        }
    }
}
