import Foundation
import Testing
import Workflow

/// `redis.ca_file`, `xmpp.tls` and `xmpp.ca_file`: links between machines over TLS (issue 13, item 6).
@Suite struct SecuredLinksSettingsTests {
    /// A file that exists, for the CA paths (its content is the client's concern, not the reader's).
    static let existingFile: String = {
        let path = NSTemporaryDirectory() + "/switchboard-test-ca-\(ProcessInfo.processInfo.processIdentifier).pem"
        FileManager.default.createFile(atPath: path, contents: Data("not read by the workflow reader\n".utf8))
        return path
    }()

    @Test func tlsURLsAndCAFilesAreRead() throws {
        let loaded = try workflow("""
            xmpp: { secret: s, host: xmpp.internal, tls: true, ca_file: \(Self.existingFile) }
            redis:
              url: rediss://router:pw@redis.internal:6380/0
              ca_file: \(Self.existingFile)
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """)
        #expect(loaded.xmpp.tls)
        #expect(loaded.xmpp.caFile == Self.existingFile)
        #expect(loaded.redis.caFile == Self.existingFile)
        #expect(loaded.redis.url == "rediss://router:pw@redis.internal:6380/0")
        #expect(!loaded.redis.description.contains("pw"))
        #expect(try workflow("""
            xmpp: { secret: s }
            redis: { url: "rediss-sentinel://router:pw@10.0.0.1,10.0.0.2/0#sbmaster" }
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """).redis.url.hasPrefix("rediss-sentinel://"))
    }

    @Test func aMissingCAFileOrACAWithoutTLSIsAProblem() {
        expectProblems(in: """
            xmpp: { secret: s, ca_file: \(Self.existingFile) }
            redis:
              url: rediss://router:pw@redis.internal:6380/0
              ca_file: /nonexistent/ca.pem
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
            """, [
                (1, "ca_file: set tls: true too"),
                (4, "ca_file: no such file: /nonexistent/ca.pem"),
            ])
    }
}
