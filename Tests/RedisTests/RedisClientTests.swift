import Redis
import SwitchboardTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct RedisClientTests {
    @Test func commandsGiveEachReplyType() async throws {
        try await withServerAndClient { _, client in
            #expect(try await client.send("SET", "greeting", "hello") == .status("OK"))
            #expect(try await client.send("GET", "greeting").string == "hello")
            #expect(try await client.send("GET", "missing") == .null)
            #expect(try await client.send("INCR", "counter") == .integer(1))
            #expect(try await client.send("INCRBY", "counter", "41").int == 42)
            #expect(try await client.send("GET", "counter").int == 42)  // a bulk string holding a number
            try await client.send("RPUSH", "list", "a", "b", "c")
            let list = try await client.send("LRANGE", "list", "0", "-1")
            #expect(list.array?.compactMap(\.string) == ["a", "b", "c"])
            let nested = try await client.send("EVAL", "return {1, {'x', false}, 'y'}", "0")
            #expect(nested == .array([.integer(1), .array([.bulk(Array("x".utf8)), .null]), .bulk(Array("y".utf8))]))
        }
    }

    @Test func errorRepliesAreThrownWithTheServersMessage() async throws {
        try await withServerAndClient { _, client in
            try await client.send("SET", "text", "x")
            await #expect(throws: RedisError.server("WRONGTYPE Operation against a key holding the wrong kind of value")) {
                try await client.send("LPUSH", "text", "y")
            }
            // The connection is still fine afterwards.
            #expect(try await client.send("PING") == .status("PONG"))
        }
    }

    @Test func binaryArgumentsRoundTrip() async throws {
        try await withServerAndClient { _, client in
            let value: [UInt8] = [0, 13, 10, 255, 36, 42, 13, 10]
            try await client.send(RedisCommand("SET", bytes: [Array("blob".utf8), value]))
            #expect(try await client.send("GET", "blob").bytes == value)
        }
    }

    @Test func pipelineReturnsAThousandRepliesInOrder() async throws {
        try await withServerAndClient { _, client in
            let replies = try await client.pipeline((0..<1000).map { _ in RedisCommand("INCR", ["sequence"]) })
            #expect(replies.map(\.int) == (1...1000).map { $0 })
        }
    }

    @Test func pipelineReturnsErrorRepliesInPlace() async throws {
        try await withServerAndClient { _, client in
            let replies = try await client.pipeline([
                RedisCommand("SET", ["k", "v"]), RedisCommand("INCR", ["k"]), RedisCommand("GET", ["k"]),
            ])
            #expect(replies[0] == .status("OK"))
            #expect(replies[1].errorMessage == "ERR value is not an integer or out of range")
            #expect(replies[2].string == "v")
        }
    }

    @Test func concurrentCommandsShareOneConnectionAndGetTheirOwnReplies() async throws {
        try await withServerAndClient { _, client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let reply = try await client.send("ECHO", "message \(index)")
                        #expect(reply.string == "message \(index)")
                    }
                }
                try await group.waitForAll()
            }
            let clients = try await client.send("CLIENT", "LIST").string ?? ""
            #expect(clients.split(separator: "\n").count == 1)
        }
    }

    @Test func selectsTheURLsDatabase() async throws {
        try await withRedisServer { server in
            try await withClient("\(server.url)/3") { client in
                try await client.send("SET", "where", "three")
            }
            try await withClient(server.url) { client in
                #expect(try await client.send("GET", "where") == .null)
                try await client.send("SELECT", "3")
                #expect(try await client.send("GET", "where").string == "three")
            }
            try await withClient("\(server.url)/99") { client in
                let error = await #expect(throws: RedisError.self) { try await client.send("PING") }
                guard case .databaseSelectionFailed(99, _) = error else {
                    Issue.record("expected databaseSelectionFailed, got \(String(describing: error))")
                    return
                }
            }
        }
    }

    @Test func closedClientRefusesCommands() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: testLogger)
            try await client.send("PING")
            await client.close()
            await #expect(throws: RedisError.closed) { try await client.send("PING") }
        }
    }
}
