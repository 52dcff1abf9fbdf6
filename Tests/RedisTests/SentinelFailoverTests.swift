import Foundation
import NIOPosix
import Redis
import SwitchboardTesting
import Testing

/// A client given a `redis-sentinel://` URL, against a real master, replica and three sentinels:
/// it finds the master, refuses a replica, and follows a failover by itself.
@Suite(.serialized) struct SentinelFailoverTests {
    @Test func theClientWritesToTheMasterTheSentinelsName() async throws {
        try await withRedisSentinel { group in
            try await withClient(group.url) { client in
                try await client.send("SET", "found", "through sentinels")
            }
            try await withClient(group.master.url) { master in
                let value = try await master.send("GET", "found").string
                #expect(value == "through sentinels")
            }
        }
    }

    @Test func aReplicaNamedAsTheMasterIsRefused() async throws {
        try await withRedisSentinel { group in
            // A sentinel that has not caught up (or lies) names the replica: ROLE on connect says no.
            let port = String(group.replica.port)
            let sentinel = try HostileServer(reply: Array("*2\r\n$9\r\n127.0.0.1\r\n$\(port.utf8.count)\r\n\(port)\r\n".utf8))
            defer { sentinel.stop() }
            try await withClient("redis-sentinel://127.0.0.1:\(sentinel.port)/0#\(RedisSentinelGroup.masterName)", configure: {
                $0.connectionWait = .seconds(1)
            }) { client in
                let reason = try await Self.failure(of: client) { client throws(RedisError) in try await client.send("SET", "on", "replica") }
                #expect(reason.contains("not the master"), "\(reason)")
            }
            try await withClient(group.replica.url) { replica in
                let value = try await replica.send("GET", "on")
                #expect(value == .null)
            }
        }
    }

    @Test func noSentinelAnsweringIsAClearError() async throws {
        let unknown = try HostileServer(reply: Array("*-1\r\n".utf8))
        defer { unknown.stop() }
        try await withClient("redis-sentinel://127.0.0.1:\(unknown.port)/0#nosuchmaster", configure: {
            $0.connectionWait = .seconds(1)
        }) { client in
            let reason = try await Self.failure(of: client) { client throws(RedisError) in try await client.send("PING") }
            #expect(reason.contains("no sentinel named the Redis master"), "\(reason)")
        }
    }

    /// Why `command` keeps failing as unavailable: asked again until the client has made an attempt
    /// to report (on a loaded machine the first wait can end before the first attempt does).
    static func failure(of client: RedisClient, _ command: @escaping @Sendable (RedisClient) async throws(RedisError) -> RESPValue)
        async throws -> String
    {
        try await poll(.seconds(60), "a connect failure to report", every: .milliseconds(10)) {
            do throws(RedisError) {
                _ = try await command(client)
                return "the command succeeded"
            } catch {
                guard case .unavailable(_, let lastError) = error else { return "\(error)" }
                return lastError
            }
        }
    }

    /// Writes acknowledged by the replica (`WAIT`) before the master is killed are all on the new
    /// master; the same client writes there without being told.
    @Test func acknowledgedWritesSurviveAFailoverAndTheClientFollows() async throws {
        // An event loop of its own, as in the reconnect tests: others' tasks must not delay it.
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withRedisSentinel { group in
            try await withClient(group.url, eventLoopGroup: loop, configure: { $0.connectionWait = .seconds(60) }) { client in
                // Lua lives in .lua files, here one beside this test (read from the source tree).
                let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Lua/count.lua")
                let script = RedisScript(name: "count", source: try String(contentsOf: file, encoding: .utf8))
                let acknowledgement = try #require(ReplicaAcknowledgement(replicas: 1, timeout: .seconds(5)))
                for number in 1...50 {
                    try await client.evalScript(script, keys: ["acked:\(number)"], acknowledgement: acknowledgement)
                }
                let killed = ContinuousClock.now
                await group.master.kill()
                // The client's own commands find the new master: nothing here reconnects it. A SET
                // written just as the connection died fails as lost (it may have run): being
                // idempotent, it is simply sent again.
                var reply = RESPValue.null
                for attempt in 1...5 {
                    do {
                        reply = try await client.send("SET", "after", "failover")
                        break
                    } catch let error as RedisError where error == .connectionLost && attempt < 5 {
                        continue
                    }
                }
                let resumed = ContinuousClock.now - killed
                #expect(reply.string == "OK")
                for number in 1...50 {
                    #expect(try await client.send("GET", "acked:\(number)").string == "1", "acked:\(number)")
                }
                #expect(try await client.send("ROLE").array?.first?.string == "master")
                print("sentinel failover: a write succeeded \(resumed) after the master was killed")
            }
        }
        try await loop.shutdownGracefully()
    }
}
