import COpenSSL
import NIOCore

/// One TLS session over two memory BIOs: ciphertext received from the network goes in, ciphertext
/// for the network comes out, plaintext passes in between. No I/O of its own, so `TLSHandler` can
/// run it inside any pipeline. Not thread-safe: one event loop drives it.
final class TLSConnection {
    /// What one attempt to read plaintext found.
    enum ReadResult {
        case plaintext(ByteBuffer)
        /// Everything received so far is consumed; more ciphertext must arrive first.
        case needsMoreData
        /// The peer sent close_notify: it will send nothing more.
        case closedByPeer
    }

    /// The largest plaintext one TLS record carries, so one read never needs a bigger buffer.
    private static let recordPlaintextSize = 16_384

    /// Keeps the `SSL_CTX` alive as long as the `SSL` that refers to it.
    private let context: TLSContext
    private let ssl: OpaquePointer
    /// Ciphertext from the network, for OpenSSL to read; owned by `ssl`.
    private let networkInput: OpaquePointer
    /// Ciphertext OpenSSL produced, for the network; owned by `ssl`.
    private let networkOutput: OpaquePointer

    /// A client connection to `serverHostname` (sent as SNI, and verified unless the context is insecure),
    /// or a server connection when `serverHostname` is nil.
    init(context: TLSContext, serverHostname: String?) throws(TLSError) {
        guard context.isClient == (serverHostname != nil) else {
            throw .connectionSetupFailed(
                operation: "TLSConnection",
                reason: context.isClient ? "a client needs the server's hostname" : "a server context cannot connect"
            )
        }
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.sslContext) else {
            throw .connectionSetupFailed(operation: "SSL_new", reason: OpenSSLErrorQueue.drain())
        }
        guard let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .connectionSetupFailed(operation: "BIO_new", reason: OpenSSLErrorQueue.drain())
        }
        SSL_set_bio(ssl, input, output)
        self.context = context
        self.ssl = ssl
        self.networkInput = input
        self.networkOutput = output

        guard let serverHostname else {
            SSL_set_accept_state(ssl)
            return
        }
        SSL_set_connect_state(ssl)
        try configureServerName(serverHostname, verify: context.verifiesPeer)
    }

    deinit {
        SSL_free(ssl)  // frees both BIOs too
    }

    /// What the handshake negotiated (meaningful once it completed).
    var negotiated: TLSHandshakeCompleted {
        TLSHandshakeCompleted(
            protocolVersion: String(cString: SSL_get_version(ssl)),
            cipherSuite: SSL_get_current_cipher(ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "none"
        )
    }

    /// Hands ciphertext received from the network to OpenSSL.
    func receive(_ ciphertext: ByteBuffer) throws(TLSError) {
        var remaining = ciphertext
        while remaining.readableBytes > 0 {
            let chunk = min(remaining.readableBytes, Int(Int32.max))
            let written = remaining.withUnsafeReadableBytes { BIO_write(networkInput, $0.baseAddress, Int32(chunk)) }
            // A memory BIO takes everything unless allocation fails.
            guard written == chunk else {
                throw .ioFailed(operation: "BIO_write", reason: OpenSSLErrorQueue.drain())
            }
            remaining.moveReaderIndex(forwardBy: chunk)
        }
    }

    /// Advances the handshake with what was received; true once it is complete.
    func handshake() throws(TLSError) -> Bool {
        OpenSSLErrorQueue.clear()
        let status = SSL_do_handshake(ssl)
        if status == 1 { return true }
        let error = SSL_get_error(ssl, status)
        if error == SSL_ERROR_WANT_READ { return false }
        let verification = SSL_get_verify_result(ssl)
        throw .handshakeFailed(
            reason: OpenSSLErrorQueue.drain(fallback: "SSL_do_handshake: SSL error \(error)"),
            certificateVerification: verification == X509_V_OK
                ? nil : String(cString: X509_verify_cert_error_string(verification))
        )
    }

    /// Decrypts at most one record's worth of plaintext from what was received.
    func read(allocator: ByteBufferAllocator) throws(TLSError) -> ReadResult {
        var buffer = allocator.buffer(capacity: Self.recordPlaintextSize)
        var status: Int32 = 0
        OpenSSLErrorQueue.clear()
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.recordPlaintextSize) { space in
            status = SSL_read(ssl, space.baseAddress, Int32(Self.recordPlaintextSize))
            return max(Int(status), 0)
        }
        if status > 0 { return .plaintext(buffer) }
        switch SSL_get_error(ssl, status) {
        case SSL_ERROR_WANT_READ: return .needsMoreData
        case SSL_ERROR_ZERO_RETURN: return .closedByPeer
        case let error:
            throw .ioFailed(operation: "SSL_read", reason: OpenSSLErrorQueue.drain(fallback: "SSL error \(error)"))
        }
    }

    /// Encrypts `plaintext` into records waiting in `pendingCiphertext`.
    func write(_ plaintext: ByteBuffer) throws(TLSError) {
        guard plaintext.readableBytes > 0 else { return }
        var written = 0
        OpenSSLErrorQueue.clear()
        // A memory BIO never pushes back, so one call writes everything or fails.
        let status = plaintext.withUnsafeReadableBytes { SSL_write_ex(ssl, $0.baseAddress, $0.count, &written) }
        guard status == 1, written == plaintext.readableBytes else {
            let error = SSL_get_error(ssl, status)
            throw .ioFailed(operation: "SSL_write", reason: OpenSSLErrorQueue.drain(fallback: "SSL error \(error)"))
        }
    }

    /// Queues close_notify. Does not wait for the peer's: the TCP connection closes right after.
    func shutdown() {
        OpenSSLErrorQueue.clear()
        // 0 means "sent ours, the peer's not yet received", which is all we want; a failure
        // (e.g. mid-handshake) only means no close_notify, and the connection closes anyway.
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
    }

    /// Takes all ciphertext OpenSSL produced for the network, or nil if there is none.
    func pendingCiphertext(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let pending = COpenSSL_BIO_pending(networkOutput)
        guard pending > 0 else { return nil }
        var buffer = allocator.buffer(capacity: pending)
        while case let pending = COpenSSL_BIO_pending(networkOutput), pending > 0 {
            let chunk = Int32(clamping: pending)
            let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Int(chunk)) { space in
                max(Int(BIO_read(networkOutput, space.baseAddress, chunk)), 0)
            }
            if read == 0 { break }  // cannot happen with pending bytes; never spin
        }
        return buffer
    }

    /// Sends the name as SNI (not for IP addresses, RFC 6066) and, if verifying, checks the certificate against it.
    private func configureServerName(_ name: String, verify: Bool) throws(TLSError) {
        guard !name.isEmpty else {
            throw .connectionSetupFailed(operation: "server name", reason: "the server hostname is empty")
        }
        let isIPAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
        if !isIPAddress, COpenSSL_SSL_set_tlsext_host_name(ssl, name) != 1 {
            throw .connectionSetupFailed(operation: "SSL_set_tlsext_host_name", reason: OpenSSLErrorQueue.drain())
        }
        guard verify else { return }
        if isIPAddress {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 else {
                throw .connectionSetupFailed(
                    operation: "X509_VERIFY_PARAM_set1_ip_asc", reason: OpenSSLErrorQueue.drain()
                )
            }
        } else {
            // Wildcards only as a whole left-most label, as RFC 6125 recommends.
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(ssl, name) == 1 else {
                throw .connectionSetupFailed(operation: "SSL_set1_host", reason: OpenSSLErrorQueue.drain())
            }
        }
    }
}
