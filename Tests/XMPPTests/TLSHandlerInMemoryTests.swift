import SwitchboardTesting
import NIOCore
import NIOEmbedded
import Testing
import XMPP
import TLS

/// `TLSHandler` client and server in two `EmbeddedChannel`s, the test carrying the records between
/// them: every step is deterministic, so ordering and closing can be checked exactly.
@Suite struct TLSHandlerInMemoryTests {
    /// A connected client/server pair of embedded channels, each with a TLS handler in front.
    struct Pair {
        let client = EmbeddedChannel()
        let server = EmbeddedChannel()

        init(certificate: TestCertificate.Files, clientHandler: TLSHandler? = nil) throws {
            let clientHandler = try clientHandler
                ?? TLSHandler(client: certificate.clientContext(), serverHostname: "localhost")
            try client.pipeline.syncOperations.addHandler(clientHandler)
            try server.pipeline.syncOperations.addHandler(TLSHandler(server: certificate.serverContext()))
        }

        /// Makes both channels active, which starts the handshake.
        func activate() throws {
            let address = try SocketAddress(ipAddress: "127.0.0.1", port: 5222)
            server.connect(to: address, promise: nil)
            client.connect(to: address, promise: nil)
        }

        /// Carries ciphertext both ways until neither side has anything more to send.
        func exchange() throws {
            var moved = true
            while moved {
                moved = false
                while let records = try client.readOutbound(as: ByteBuffer.self) {
                    try server.writeInbound(records)
                    moved = true
                }
                while let records = try server.readOutbound(as: ByteBuffer.self) {
                    try client.writeInbound(records)
                    moved = true
                }
            }
        }

        /// All plaintext that reached the end of `channel`'s pipeline so far.
        func received(by channel: EmbeddedChannel) throws -> String {
            var text = ""
            while let buffer = try channel.readInbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text
        }
    }

    @Test func writesBeforeActivationAndHandshakeArriveInOrder() async throws {
        let pair = try Pair(certificate: try await TestCertificate.localhost())
        pair.client.write(ByteBuffer(string: "first,"), promise: nil)
        try pair.activate()
        pair.client.writeAndFlush(ByteBuffer(string: "second"), promise: nil)
        // Only the ClientHello may leave before the handshake: one handshake record (type 22).
        let clientHello = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
        #expect(clientHello.getInteger(at: clientHello.readerIndex, as: UInt8.self) == 22)
        #expect(try pair.client.readOutbound(as: ByteBuffer.self) == nil)
        try pair.server.writeInbound(clientHello)

        try pair.exchange()
        #expect(try pair.received(by: pair.server) == "first,second")
        pair.server.writeAndFlush(ByteBuffer(string: "and back"), promise: nil)
        try pair.exchange()
        #expect(try pair.received(by: pair.client) == "and back")
    }

    @Test func closeSendsCloseNotifyAndThePeerCloses() async throws {
        let pair = try Pair(certificate: try await TestCertificate.localhost())
        try pair.activate()
        try pair.exchange()
        // An embedded channel has no TCP FIN: only close_notify can make the server close.
        pair.client.close(promise: nil)
        try pair.exchange()
        #expect(!pair.client.isActive)
        #expect(!pair.server.isActive)
    }

    @Test func garbageInsteadOfAHandshakeFailsWithOpenSSLReason() async throws {
        let pair = try Pair(certificate: try await TestCertificate.localhost())
        try pair.activate()
        let error = #expect(throws: TLSError.self) {
            try pair.server.writeInbound(ByteBuffer(string: "<?xml version='1.0'?><stream:stream>"))
        }
        guard case .handshakeFailed(let reason, nil) = error else {
            Issue.record("expected a handshake failure, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("error:"))
        #expect(!pair.server.isActive)
        // Not TLS at all, so there is no record layer to send an alert on.
        #expect(try pair.server.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func clientRefusingTheCertificateTellsTheServerWithAnAlert() async throws {
        let certificate = try await TestCertificate.localhost()
        let pair = try Pair(
            certificate: certificate,
            clientHandler: TLSHandler(client: certificate.clientContext(), serverHostname: "chat.example.org")
        )
        try pair.activate()
        let clientError = #expect(throws: TLSError.self) { try pair.exchange() }
        #expect(clientError?.certificateVerification == "hostname mismatch")
        #expect(!pair.client.isActive)

        let alert = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
        let serverError = #expect(throws: TLSError.self) { try pair.server.writeInbound(alert) }
        #expect(serverError?.description.contains("alert") == true)
        #expect(!pair.server.isActive)
    }

    @Test func writesBeyondTheBufferLimitFailTheConnection() async throws {
        let certificate = try await TestCertificate.localhost()
        let handshake = EmbeddedEventLoop().makePromise(of: TLSHandshakeCompleted.self)
        let limited = try TLSHandler(
            client: certificate.clientContext(), serverHostname: "localhost",
            handshakePromise: handshake, maximumBufferedBytes: 8
        )
        let pair = try Pair(certificate: certificate, clientHandler: limited)
        try pair.activate()
        pair.client.write(ByteBuffer(string: "12345678"), promise: nil)
        pair.client.write(ByteBuffer(string: "9"), promise: nil)
        #expect(throws: TLSError.writeBufferFull(limit: 8)) { try pair.client.throwIfErrorCaught() }
        #expect(!pair.client.isActive)
        #expect(throws: TLSError.writeBufferFull(limit: 8)) { try handshake.futureResult.wait() }
    }

    @Test func connectionLostDuringHandshakeFailsTheHandshake() async throws {
        let certificate = try await TestCertificate.localhost()
        let loop = EmbeddedEventLoop()
        let handshake = loop.makePromise(of: TLSHandshakeCompleted.self)
        let pair = try Pair(
            certificate: certificate,
            clientHandler: TLSHandler(
                client: certificate.clientContext(), serverHostname: "localhost", handshakePromise: handshake
            )
        )
        try pair.activate()
        pair.client.pipeline.fireChannelInactive()
        #expect(throws: TLSError.closedDuringHandshake) { try pair.client.throwIfErrorCaught() }
        #expect(throws: TLSError.closedDuringHandshake) { try handshake.futureResult.wait() }
    }
}
