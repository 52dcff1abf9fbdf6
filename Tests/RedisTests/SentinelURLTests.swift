import Redis
import Testing

/// `redis-sentinel://` URLs in Lettuce's form: what is read from them, and the clear errors of bad ones.
@Suite struct SentinelURLTests {
    @Test func severalSentinelsADatabaseAndAMaster() throws {
        let url = try RedisURL("redis-sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26380,[::1]/2#sbmaster")
        let sentinels = try #require(url.sentinels)
        #expect(sentinels.masterName == "sbmaster")
        #expect(sentinels.addresses == [
            RedisAddress(host: "10.0.0.1", port: 26379), RedisAddress(host: "10.0.0.2", port: 26380), RedisAddress(host: "::1", port: 26379),
        ])
        #expect(url.database == 2)
        #expect(url.password == "s3cret")
        #expect(url.username == nil)
        // host and port are the first sentinel's; the server is whichever master they name.
        #expect(url.host == "10.0.0.1" && url.port == 26379)
    }

    @Test func oneSentinelWithItsDefaultPortAndNoDatabase() throws {
        let url = try RedisURL("redis-sentinel://sentinel.internal#mymaster")
        #expect(url.sentinels == RedisSentinels(addresses: [RedisAddress(host: "sentinel.internal", port: 26379)], masterName: "mymaster"))
        #expect(url.database == 0)
        #expect(url.password == nil)
    }

    @Test func userAndPercentEncodedPassword() throws {
        let url = try RedisURL("redis-sentinel://router:p%40ss%23word@127.0.0.1:26379/0#sb.master-1")
        #expect(url.username == "router")
        #expect(url.password == "p@ss#word")
        #expect(url.sentinels?.masterName == "sb.master-1")
    }

    @Test func sentinelsOverTLS() throws {
        let url = try RedisURL("rediss-sentinel://router:s3cret@127.0.0.1:26379,127.0.0.1:26380/1#main")
        #expect(url.tls)
        #expect(url.sentinels?.addresses.count == 2)
        #expect(url.description == "rediss-sentinel://router:***@127.0.0.1:26379,127.0.0.1:26380/1#main")
    }

    @Test func aPlainURLHasNoSentinels() throws {
        #expect(try RedisURL("redis://127.0.0.1:6379").sentinels == nil)
    }

    @Test(arguments: [
        ("redis-sentinel://127.0.0.1:26379/0", RedisURLError.missingMasterName),
        ("redis-sentinel://127.0.0.1:26379/0#", .missingMasterName),
        ("redis-sentinel://127.0.0.1:26379#my master", .invalidMasterName),
        ("redis-sentinel://127.0.0.1:26379#" + String(repeating: "m", count: 129), .invalidMasterName),
        ("redis-sentinel://127.0.0.1:26379?sentinelMasterId=m#m", .unsupportedQuery),
        ("redis-sentinel://#m", .missingHost),
        ("redis-sentinel://127.0.0.1:26379,,127.0.0.1:26380#m", .missingHost),
        ("redis-sentinel://127.0.0.1:26379,#m", .missingHost),
        ("redis-sentinel://127.0.0.1:0#m", .invalidPort),
        ("redis-sentinel://127.0.0.1:65536#m", .invalidPort),
        ("redis-sentinel://127.0.0.1:99999999999999999999999#m", .invalidPort),
        ("redis-sentinel://127.0.0.1:26379/x#m", .invalidDatabase),
        ("redis-sentinel://user@127.0.0.1#m", .usernameWithoutPassword),
        ("redis-sentinels://127.0.0.1#m", .unsupportedScheme("redis-sentinels")),
        ("rediss-sentinel://127.0.0.1", .missingMasterName),
        ("redis://127.0.0.1#m", .unsupportedQuery),
        ("redis-sentinel://" + Array(repeating: "127.0.0.1", count: 17).joined(separator: ",") + "#m", .tooManySentinels),
    ])
    func badURLsGiveClearErrors(text: String, expected: RedisURLError) {
        #expect(throws: expected) { try RedisURL(text) }
        #expect(!expected.description.isEmpty)
    }

    @Test func thePasswordNeverShows() throws {
        let url = try RedisURL("redis-sentinel://router:hunter2@127.0.0.1:26379,127.0.0.1:26380/3#sbmaster")
        #expect(url.description == "redis-sentinel://router:***@127.0.0.1:26379,127.0.0.1:26380/3#sbmaster")
        for text in [url.description, url.debugDescription, String(reflecting: url)] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
    }

    @Test func aDescriptionReadsBackAsTheSameURL() throws {
        let url = try RedisURL("redis-sentinel://[::1]:26379,127.0.0.1/1#m")
        #expect(try RedisURL(url.description) == url)
    }
}
