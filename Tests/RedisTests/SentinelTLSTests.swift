import NIOPosix
import Redis
import SwitchboardTesting
import Testing

/// `rediss-sentinel://` (issue 13, item 6): a master, a replica and three sentinels that all speak
/// TLS only, with a private CA and an ACL user; the client finds the master through the sentinels
/// over TLS, and follows a failover there.
@Suite(.serialized) struct SentinelTLSTests {
    @Test func theClientFindsAndFollowsTheMasterOverTLS() async throws {
        let authority = try await PrivateCertificateAuthority.make()
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withRedisSentinel(secured: .init(authority: authority, password: "sentinel-tls-pw-93ab")) { group in
            #expect(group.url.hasPrefix("rediss-sentinel://router:"))
            var configuration = try RedisConfiguration(url: RedisURL(group.url), caFile: authority.caFile)
            configuration.connectionWait = .seconds(60)
            let client = RedisClient(configuration: configuration, eventLoopGroup: loop, logger: testLogger)
            try await withCleanup {
                #expect(try await client.send("ACL", "WHOAMI").string == "router")
                _ = try await client.send("SET", "before", "failover")
                await group.master.kill()
                // A SET caught by the dying connection fails as lost (it may have run): being
                // idempotent, it is sent again.
                var reply = RESPValue.null
                for attempt in 1...5 {
                    do {
                        reply = try await client.send("SET", "after", "failover")
                        break
                    } catch let error as RedisError where error == .connectionLost && attempt < 5 {
                        continue
                    }
                }
                #expect(reply.string == "OK")
                #expect(try await client.send("ROLE").array?.first?.string == "master")
            } cleanup: {
                await client.close()
            }
        }
        try await loop.shutdownGracefully()
    }
}
