import COpenSSL

/// An OpenSSL `SSL_CTX` built once from a `TLSConfiguration` and shared by every connection made with it.
///
/// Sendable because it is never changed after `init`: OpenSSL 3 documents an `SSL_CTX` as safe to
/// share between threads that create connections from it, as long as nobody modifies it meanwhile.
public final class TLSContext: @unchecked Sendable {
    public let configuration: TLSConfiguration
    /// The `SSL_CTX`, owned by this object.
    let sslContext: OpaquePointer

    /// Builds the `SSL_CTX`: loads certificates, keys and CAs now, so a bad file fails here, once.
    public init(_ configuration: TLSConfiguration) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        let method = switch configuration.role {
        case .client: TLS_client_method()
        case .server: TLS_server_method()
        }
        guard let sslContext = SSL_CTX_new(method) else {
            throw .contextSetupFailed(operation: "SSL_CTX_new", reason: OpenSSLErrorQueue.drain())
        }
        self.sslContext = sslContext
        self.configuration = configuration
        // From here on `deinit` frees the context should a step below throw.
        try check(
            COpenSSL_SSL_CTX_set_min_proto_version(sslContext, configuration.minimumProtocolVersion.openSSL),
            "SSL_CTX_set_min_proto_version"
        )
        // Renegotiation (TLS 1.2) is an old attack surface and XMPP never needs it.
        _ = COpenSSL_SSL_CTX_disable_renegotiation(sslContext)

        switch configuration.role {
        case .client(.systemTrustStore):
            SSL_CTX_set_verify(sslContext, SSL_VERIFY_PEER, nil)
            try check(SSL_CTX_set_default_verify_paths(sslContext), "SSL_CTX_set_default_verify_paths")
        case .client(.caFile(let path)):
            SSL_CTX_set_verify(sslContext, SSL_VERIFY_PEER, nil)
            try check(SSL_CTX_load_verify_file(sslContext, path), "SSL_CTX_load_verify_file(\(path))")
        case .client(.insecureNoVerification):
            SSL_CTX_set_verify(sslContext, SSL_VERIFY_NONE, nil)
        case .server(let certificateChainFile, let privateKeyFile):
            SSL_CTX_set_verify(sslContext, SSL_VERIFY_NONE, nil)
            try check(
                SSL_CTX_use_certificate_chain_file(sslContext, certificateChainFile),
                "SSL_CTX_use_certificate_chain_file(\(certificateChainFile))"
            )
            try check(
                SSL_CTX_use_PrivateKey_file(sslContext, privateKeyFile, SSL_FILETYPE_PEM),
                "SSL_CTX_use_PrivateKey_file(\(privateKeyFile))"
            )
            try check(SSL_CTX_check_private_key(sslContext), "SSL_CTX_check_private_key")
        }
    }

    deinit {
        SSL_CTX_free(sslContext)
    }

    /// Whether connections from this context verify the peer (a client not in insecure mode).
    var verifiesPeer: Bool {
        switch configuration.role {
        case .client(.systemTrustStore), .client(.caFile): true
        case .client(.insecureNoVerification), .server: false
        }
    }

    var isClient: Bool {
        if case .client = configuration.role { true } else { false }
    }

    private func check(_ status: some BinaryInteger, _ operation: String) throws(TLSError) {
        guard status == 1 else {
            throw .contextSetupFailed(operation: operation, reason: OpenSSLErrorQueue.drain())
        }
    }
}

extension TLSConfiguration.ProtocolVersion {
    var openSSL: Int32 {
        switch self {
        case .tls12: TLS1_2_VERSION
        case .tls13: TLS1_3_VERSION
        }
    }
}
