import Foundation
import Logging
import Redis
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Links between machines secured (issue 13, item 6), shrunk to loopback: the router reaches
/// Redis over `rediss://` as an ACL user, verified against a private CA, and ejabberd over a
/// component port with `tls: true`; the password is in no log line, even at trace level.
@Suite(.serialized) struct SecuredLinksTests {
    static let password = "rediss-pw-4f0d2b"
    static let routing = """
        queues:
          - { name: help, skills: [help] }
        agents:
          - { jid: alice@localhost, name: Alice, skills: { help: 5 } }
        """

    @Test func aChatRoutesOverRedissWithAnACLUserAndTheComponentLinkOverTLS() async throws {
        let authority = try await PrivateCertificateAuthority.make()
        try await withXMPPServer(.ejabberd, .init(accounts: ["alice": "secret", "visitor1": "secret"], componentTLS: true)) { ejabberd in
            try await withRedisServer(secured: .init(authority: authority, password: Self.password)) { redisServer in
                let router = try RouterProcess(
                    server: ejabberd, xmppHost: "localhost", xmppOptions: "tls: true, ca_file: \"\(ejabberd.certificateFile)\"",
                    redisURL: redisServer.urlWithCredentials, redisOptions: "ca_file: \"\(authority.caFile)\"",
                    arguments: ["--log-level", "trace"], routing: Self.routing)
                var logger = Logger(label: "secured-links-test")
                logger.logLevel = .warning
                var clients: [XMPPClient] = []
                var readers: [Task<Void, Never>] = []
                try await withCleanup {
                    try await router.start()
                    let alice = try await XMPPClient.connect(ejabberd.clientConfiguration("alice"), logger: logger)
                    clients.append(alice)
                    try await alice.send(Presence())
                    try await FaultTests.subscribe(alice, domain: ejabberd.serviceDomain)
                    try await LiveRouter.available(alice, domain: ejabberd.serviceDomain)
                    let inbox = AgentInbox()
                    readers.append(Task { await inbox.read(alice) })
                    let visitor = try await XMPPClient.connect(ejabberd.clientConfiguration("visitor1"), logger: logger)
                    clients.append(visitor)
                    try await visitor.send(Presence())
                    let receipts = Receipts()
                    readers.append(Task { await receipts.read(visitor) })
                    // Confirmed: the chat and its line are in Redis, reached over TLS as the ACL user.
                    try await receipts.deliver(visitor, to: try JID("help@\(ejabberd.serviceDomain)"), id: "hello-over-tls")
                    try await poll(.seconds(60), "the visitor's line at Alice", every: .milliseconds(20)) {
                        await inbox.hasSeen(["hello-over-tls"])
                    }
                    #expect(router.occurrences("component link ready") >= 1)
                } cleanup: {
                    readers.forEach { $0.cancel() }
                    for client in clients { await client.close() }
                    await router.stop()
                }
                let log = try String(contentsOfFile: router.log, encoding: .utf8)
                #expect(log.contains("connected to Redis"))
                #expect(!log.contains(Self.password), "the Redis password is in the router's log")
                #expect(!log.contains(ejabberd.componentSecret), "the component secret is in the router's log")
                let redisLog = try String(contentsOfFile: "\(redisServer.directory)/redis.log", encoding: .utf8)
                #expect(!redisLog.contains(Self.password))
            }
        }
    }

    @Test func aRedisCertificateFromAnotherCAIsRefusedWithTheFixInTheLog() async throws {
        let authority = try await PrivateCertificateAuthority.make()
        let other = try await PrivateCertificateAuthority.make(name: "other-ca")
        try await withProsodyServer { prosody in
            try await withRedisServer(secured: .init(authority: authority, password: Self.password)) { redisServer in
                let router = try RouterProcess(
                    server: prosody, redisURL: redisServer.urlWithCredentials, redisOptions: "ca_file: \"\(other.caFile)\"",
                    arguments: ["--log-level", "trace"], routing: Self.routing)
                try await withCleanup {
                    try router.launch()
                    try await router.waitForLog("set redis.ca_file in the workflow")
                    let log = try String(contentsOfFile: router.log, encoding: .utf8)
                    #expect(log.contains("certificate"))
                    #expect(!log.contains(Self.password), "the Redis password is in the router's log")
                } cleanup: {
                    await router.stop()
                }
            }
        }
    }
}
