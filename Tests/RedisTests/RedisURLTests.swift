import Redis
import Testing

@Suite struct RedisURLTests {
    @Test func hostOnlyTakesDefaults() throws {
        let url = try RedisURL("redis://cache.internal")
        #expect(url == RedisURL(host: "cache.internal", port: 6379, database: 0))
    }

    @Test func portDatabaseAndPassword() throws {
        let url = try RedisURL("redis://:s3cret@127.0.0.1:6380/2")
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 6380)
        #expect(url.database == 2)
        #expect(url.username == nil)
        #expect(url.password == "s3cret")
    }

    @Test func userAndPercentEncodedPassword() throws {
        let url = try RedisURL("redis://router:p%40ss%3Aword@localhost:7000/")
        #expect(url.username == "router")
        #expect(url.password == "p@ss:word")
        #expect(url.database == 0)
    }

    @Test func tlsURLWithAnACLUser() throws {
        let url = try RedisURL("rediss://router:s%40cret@redis.example.net:6380/2")
        #expect(url.tls)
        #expect(url.sentinels == nil)
        #expect((url.host, url.port, url.database) == ("redis.example.net", 6380, 2))
        #expect((url.username, url.password) == ("router", "s@cret"))
        #expect(url.description == "rediss://router:***@redis.example.net:6380/2")
        #expect(try !RedisURL("redis://localhost").tls)
    }

    @Test func ipv6Literal() throws {
        let url = try RedisURL("redis://[::1]:6390/1")
        #expect(url.host == "::1")
        #expect(url.port == 6390)
        #expect(url.description == "redis://[::1]:6390/1")
    }

    @Test(arguments: [
        ("localhost:6379", RedisURLError.missingScheme),
        ("redis+tls://localhost", .unsupportedScheme("redis+tls")),
        ("redis://", .missingHost),
        ("redis://:6379", .missingHost),
        ("redis://localhost:0", .invalidPort),
        ("redis://localhost:70000", .invalidPort),
        ("redis://localhost:port", .invalidPort),
        ("redis://localhost/-1", .invalidDatabase),
        ("redis://localhost/db", .invalidDatabase),
        ("redis://localhost?timeout=1", .unsupportedQuery),
        ("redis://user@localhost", .usernameWithoutPassword),
        ("redis://:bad%zz@localhost", .invalidPercentEncoding),
    ])
    func badURLsGiveTypedErrors(text: String, expected: RedisURLError) {
        #expect(throws: expected) { try RedisURL(text) }
    }

    @Test func passwordNeverShows() throws {
        let url = try RedisURL("redis://router:hunter2@localhost:6379/3")
        #expect(url.description == "redis://router:***@localhost:6379/3")
        for text in [url.description, url.debugDescription, "\(url)", String(reflecting: url), dumped(url)] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
    }

    @Test func errorsDoNotRepeatTheText() {
        // A forgotten "@" turns the password into the port: the error must not echo it.
        do {
            _ = try RedisURL("redis://localhost:hunter2")
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidPort)
            #expect(!error.description.contains("hunter2"))
        }
    }

    private func dumped(_ url: RedisURL) -> String {
        var text = ""
        dump(url, to: &text)
        return text
    }
}
