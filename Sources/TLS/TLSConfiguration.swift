/// What a TLS endpoint presents and trusts; build a `TLSContext` from it once and share that.
public struct TLSConfiguration: Sendable, Hashable {
    /// How a client checks the server's certificate chain and name.
    public enum PeerVerification: Sendable, Hashable {
        /// Against the system's trusted CAs (OpenSSL's default verify paths).
        case systemTrustStore
        /// Against the CA certificates in one PEM file, e.g. a private CA or a self-signed server certificate.
        case caFile(String)
        /// No verification at all: only for local servers with self-signed certificates, never across a network.
        case insecureNoVerification
    }

    /// Which side of the handshake, and what that side needs.
    public enum Role: Sendable, Hashable {
        /// Connects to a server and verifies it as `PeerVerification` says.
        case client(PeerVerification)
        /// Accepts connections, presenting a PEM certificate chain and its PEM private key (no client certificates).
        case server(certificateChainFile: String, privateKeyFile: String)
    }

    /// The lowest protocol version offered or accepted.
    public enum ProtocolVersion: Sendable, Hashable {
        case tls12
        case tls13
    }

    public var role: Role
    /// TLS 1.2 unless raised: older versions are broken and XMPP servers all speak 1.2.
    public var minimumProtocolVersion: ProtocolVersion = .tls12

    public init(role: Role) {
        self.role = role
    }

    /// A client configuration; the server's hostname is given per connection, to `TLSHandler`.
    public static func client(verification: PeerVerification = .systemTrustStore) -> TLSConfiguration {
        TLSConfiguration(role: .client(verification))
    }

    /// A server configuration presenting the given PEM files.
    public static func server(certificateChainFile: String, privateKeyFile: String) -> TLSConfiguration {
        TLSConfiguration(role: .server(certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile))
    }
}
