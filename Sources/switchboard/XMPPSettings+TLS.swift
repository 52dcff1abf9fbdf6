import TLS
import Workflow

extension XMPPSettings {
    /// The client context of a component link over TLS (`tls: true`), verifying the server against
    /// `ca_file` (or the system's CAs); nil for a plain link.
    func tlsContext() throws -> TLSContext? {
        guard tls else { return nil }
        return try TLSContext(.client(verification: caFile.map { .caFile($0) } ?? .systemTrustStore))
    }
}
