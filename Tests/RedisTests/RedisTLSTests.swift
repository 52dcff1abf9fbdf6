import Logging
import Redis
import Synchronization
import SwitchboardTesting
import Testing
import TLS

/// `rediss://` with an ACL user (issue 13, item 6): a redis-server with TLS only, its certificate
/// signed by a private CA the test makes, and the default user off.
@Suite(.timeLimit(.minutes(2))) struct RedisTLSTests {
    static let password = "tls-pw-7c1e9a"

    @Test func anACLUserOverTLSVerifiedAgainstThePrivateCA() async throws {
        let authority = try await PrivateCertificateAuthority.make()
        try await withRedisServer(secured: .init(authority: authority, password: Self.password)) { server in
            let lines = RecordedLog()
            let configuration = try RedisConfiguration(url: RedisURL(server.urlWithCredentials), caFile: authority.caFile)
            let client = RedisClient(configuration: configuration, logger: lines.logger("redis-tls"))
            try await withCleanup {
                #expect(try await client.send("ACL", "WHOAMI").string == "router")
                _ = try await client.send("SET", "greeting", "over TLS")
                #expect(try await client.send("GET", "greeting").string == "over TLS")
            } cleanup: {
                await client.close()
            }
            #expect(!lines.text.isEmpty, "the client logged at trace level")
            #expect(!lines.text.contains(Self.password))
        }
    }

    @Test func aServerCertificateFromAnotherCAIsRefusedNamingTheFix() async throws {
        let authority = try await PrivateCertificateAuthority.make()
        let other = try await PrivateCertificateAuthority.make(name: "other-ca")
        try await withRedisServer(secured: .init(authority: authority, password: Self.password)) { server in
            let lines = RecordedLog()
            var configuration = try RedisConfiguration(url: RedisURL(server.urlWithCredentials), caFile: other.caFile)
            // Long, so the failure below is the refusal itself, not the wait running out.
            configuration.connectionWait = .seconds(60)
            let client = RedisClient(configuration: configuration, logger: lines.logger("redis-tls"))
            try await withCleanup {
                let error = await #expect(throws: RedisError.self) { try await client.send("PING") }
                guard case .certificateRefused(let address, let verification)? = error else {
                    Issue.record("expected certificateRefused, got \(String(describing: error))")
                    return
                }
                #expect(address == "127.0.0.1:\(server.port)")
                #expect(verification.contains("certificate"), "\(verification)")
                #expect(error?.description.contains("redis.ca_file") == true)
            } cleanup: {
                await client.close()
            }
            #expect(!lines.text.contains(Self.password))
        }
    }

    @Test func aPlainClientGetsNoAnswerFromTheTLSPort() async throws {
        let authority = try await PrivateCertificateAuthority.make()
        try await withRedisServer(secured: .init(authority: authority, password: Self.password)) { server in
            let url = "redis://router:\(Self.password)@127.0.0.1:\(server.port)"
            let client = RedisClient(configuration: RedisConfiguration(url: try RedisURL(url), connectionWait: .seconds(5)), logger: testLogger)
            try await withCleanup {
                await #expect(throws: RedisError.self) { try await client.send("PING") }
            } cleanup: {
                await client.close()
            }
        }
    }

    @Test func aTLSURLWithoutAContextSaysSo() async throws {
        let client = RedisClient(configuration: RedisConfiguration(url: try RedisURL("rediss://127.0.0.1:1")), logger: testLogger)
        try await withCleanup {
            let error = await #expect(throws: RedisError.self) { try await client.send("PING") }
            #expect(error == .tlsNotConfigured)
        } cleanup: {
            await client.close()
        }
    }
}

/// Every line a logger wrote at trace level, with its metadata, as text.
final class RecordedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    private struct Handler: LogHandler {
        let log: RecordedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            log.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}
