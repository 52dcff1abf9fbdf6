import Testing
import Workflow

/// Workflows are logged; neither the component secret nor a Redis password may show.
@Suite struct SecretTests {
    static let secret = "s3cret-Component-Value"
    static let password = "hunter2-Redis-Password"

    static func loaded() throws -> Workflow {
        try workflow("""
            xmpp:
              secret: ${SB_COMPONENT_SECRET}
            redis:
              url: redis://admin:\(password)@redis.example.com:6380/2
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """, environment: ["SB_COMPONENT_SECRET": secret])
    }

    @Test func theSecretsAreThere() throws {
        let loaded = try Self.loaded()
        #expect(loaded.xmpp.secret.value == Self.secret)
        #expect(loaded.redis.url.contains(Self.password))
    }

    @Test func descriptionsHideThem() throws {
        let loaded = try Self.loaded()
        var dumped = ""
        dump(loaded, to: &dumped)
        let texts = [
            "\(loaded)", String(reflecting: loaded), dumped, "\(loaded.xmpp)", "\(loaded.xmpp.secret)",
            String(reflecting: loaded.xmpp.secret), "\(loaded.redis)", String(reflecting: loaded.redis),
        ]
        for text in texts {
            #expect(!text.contains(Self.secret), "\(text)")
            #expect(!text.contains(Self.password), "\(text)")
        }
        #expect("\(loaded.redis)" == "redis://admin:***@redis.example.com:6380/2 prefix sb")
        #expect(dumped.contains("redis://admin:***@redis.example.com:6380/2"))
        #expect("\(loaded)".contains("secret <hidden>"))
    }

    @Test(arguments: [
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379"),
        ("redis://:pw@host", "redis://:***@host"),
        ("redis://user:p@ss@host/1", "redis://user:***@host/1"),  // the last "@" ends the user information
        ("redis://pw@host", "redis://***@host"),
    ])
    func redactedURLs(url: String, shown: String) {
        #expect(RedisSettings(url: url).redactedURL == shown)
    }

    @Test func problemsDoNotRepeatSecrets() {
        let found = problems(in: """
            xmpp:
              secret: [\(Self.secret)]
            redis:
              url: redis+tls://:\(Self.password)@host
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """)
        #expect(found.count == 2)
        for problem in found {
            #expect(!problem.description.contains(Self.secret))
            #expect(!problem.description.contains(Self.password))
        }
    }
}
