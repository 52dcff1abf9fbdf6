/// What a TLS handshake negotiated: fired as a user inbound event, and the value of the handshake promise.
public struct TLSHandshakeCompleted: Sendable, Hashable {
    /// OpenSSL's name of the protocol version, e.g. "TLSv1.3".
    public let protocolVersion: String
    /// OpenSSL's name of the cipher suite, e.g. "TLS_AES_256_GCM_SHA384".
    public let cipherSuite: String

    public init(protocolVersion: String, cipherSuite: String) {
        self.protocolVersion = protocolVersion
        self.cipherSuite = cipherSuite
    }
}
