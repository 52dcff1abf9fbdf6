import NIOCore
import NIOPosix
import SwitchboardTesting
import Testing
import XMPP
import TLS

/// `TLSHandler` over real loopback connections, against `openssl s_server` and the server-role handler.
@Suite(.timeLimit(.minutes(1)))
struct TLSHandlerTests {
    /// Connects a client-role `TLSHandler`, with a recorder behind it, to 127.0.0.1:`port`.
    func connect(
        port: Int, context: TLSContext, serverHostname: String = "localhost",
        handshake: EventLoopPromise<TLSHandshakeCompleted>? = nil
    ) async throws -> (any Channel, ChannelEvents) {
        let (recorder, events) = ChannelEventRecorder.make()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try TLSHandler(
                        client: context, serverHostname: serverHostname, handshakePromise: handshake
                    )
                    try channel.pipeline.syncOperations.addHandlers(tls, recorder)
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return (channel, events)
    }

    /// Runs `body` against a fresh `openssl s_server -rev`, and stops it by PID whatever happens.
    func withOpenSSLServer(
        options: [String] = [], _ body: (OpenSSLReverseServer, TestCertificate.Files) async throws -> Void
    ) async throws {
        let certificate = try await TestCertificate.localhost()
        let server = try await OpenSSLReverseServer.start(certificate: certificate, options: options)
        do {
            try await body(server, certificate)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Runs `body` against a fresh in-process TLS echo server, closed whatever happens.
    func withEchoServer(
        startTLS: Bool = false, _ body: (TLSEchoServer, TestCertificate.Files) async throws -> Void
    ) async throws {
        let certificate = try await TestCertificate.localhost()
        let server = try await TLSEchoServer.start(context: certificate.serverContext(), startTLS: startTLS)
        do {
            try await body(server, certificate)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test func verifiedClientTalksToOpenSSLServer() async throws {
        try await withOpenSSLServer { server, certificate in
            let context = try certificate.clientContext()
            var (channel, events) = try await connect(port: server.port, context: context)
            let handshake = try await events.handshake()
            #expect(["TLSv1.2", "TLSv1.3"].contains(handshake.protocolVersion))
            #expect(!handshake.cipherSuite.isEmpty)

            for line in ["hello switchboard", "second line, after the first"] {
                try await channel.writeAndFlush(ByteBuffer(string: line + "\n"))
                #expect(try await events.readText(count: line.utf8.count + 1) == String(line.reversed()) + "\n")
            }
            try await channel.close()
        }
    }

    @Test func insecureClientConnectsToSelfSignedOpenSSLServer() async throws {
        try await withOpenSSLServer { server, _ in
            let context = try TLSContext(.client(verification: .insecureNoVerification))
            var (channel, events) = try await connect(port: server.port, context: context)
            _ = try await events.handshake()
            try await channel.writeAndFlush(ByteBuffer(string: "insecure\n"))
            #expect(try await events.readText(count: 9) == "erucesni\n")
            try await channel.close()
        }
    }

    @Test func negotiatesTLS12WithATLS12OnlyServer() async throws {
        try await withOpenSSLServer(options: ["-tls1_2"]) { server, certificate in
            var (channel, events) = try await connect(port: server.port, context: try certificate.clientContext())
            #expect(try await events.handshake().protocolVersion == "TLSv1.2")
            try await channel.writeAndFlush(ByteBuffer(string: "twelve\n"))
            #expect(try await events.readText(count: 7) == "evlewt\n")
            try await channel.close()
        }
    }

    @Test func refusesTLS12WhenTLS13IsTheMinimum() async throws {
        try await withOpenSSLServer(options: ["-tls1_2"]) { server, certificate in
            var configuration = TLSConfiguration.client(verification: .caFile(certificate.certificateFile))
            configuration.minimumProtocolVersion = .tls13
            var (channel, events) = try await connect(port: server.port, context: try TLSContext(configuration))
            let error = try #require(await events.firstError() as? TLSError)
            guard case .handshakeFailed = error else {
                Issue.record("expected a handshake failure, got \(error)")
                return
            }
            try await channel.closeFuture.get()
        }
    }

    @Test func megabytePayloadRoundTrips() async throws {
        try await withEchoServer { server, certificate in
            let context = try certificate.clientContext()
            let handshake = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: TLSHandshakeCompleted.self)
            var (channel, events) = try await connect(port: server.port, context: context, handshake: handshake)
            let payload = try SecureRandom.bytes(count: 1 << 20)
            // Issued at once, most likely before the handshake completes: buffered, then sent.
            let written = channel.eventLoop.makePromise(of: Void.self)
            channel.writeAndFlush(ByteBuffer(bytes: payload), promise: written)
            _ = try await handshake.futureResult.get()
            try await written.futureResult.get()
            let echoed = try await events.read(count: payload.count)
            #expect(echoed == payload)
            try await channel.close()
        }
    }

    @Test func writesIssuedBeforeSTARTTLSHandshakeCompletesArrive() async throws {
        try await withEchoServer(startTLS: true) { server, certificate in
            let context = try certificate.clientContext()
            let (recorder, recorded) = ChannelEventRecorder.make()
            var events = recorded
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { $0.pipeline.addHandler(recorder) }
                .connect(host: "127.0.0.1", port: server.port)
                .get()
            try await channel.writeAndFlush(ByteBuffer(string: "STARTTLS\n"))
            #expect(try await events.readText(count: 8) == "PROCEED\n")

            let handshake = channel.eventLoop.makePromise(of: TLSHandshakeCompleted.self)
            try await channel.eventLoop.submit {
                // STARTTLS on a live pipeline: TLS goes in front of everything, and the write is issued
                // in the same event-loop turn, before any reply to the ClientHello can have been read.
                let tls = try TLSHandler(client: context, serverHostname: "localhost", handshakePromise: handshake)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
                channel.writeAndFlush(ByteBuffer(string: "<stream:stream to='localhost'>"), promise: nil)
            }.get()
            _ = try await handshake.futureResult.get()
            #expect(try await events.readText(count: 30) == "<stream:stream to='localhost'>")
            try await channel.close()
        }
    }

    @Test func wrongHostnameFailsVerification() async throws {
        try await withEchoServer { server, certificate in
            let context = try certificate.clientContext()
            let handshake = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: TLSHandshakeCompleted.self)
            var (channel, events) = try await connect(
                port: server.port, context: context, serverHostname: "chat.example.org", handshake: handshake
            )
            let error = try #require(await events.firstError() as? TLSError)
            #expect(error.certificateVerification == "hostname mismatch")
            #expect(error.description.contains("certificate verify failed"))
            await #expect(throws: error) { try await handshake.futureResult.get() }
            try await channel.closeFuture.get()
        }
    }

    @Test func unknownCAFailsVerification() async throws {
        try await withEchoServer { server, _ in
            let context = try TLSContext(.client(verification: .systemTrustStore))
            var (channel, events) = try await connect(port: server.port, context: context)
            let error = try #require(await events.firstError() as? TLSError)
            #expect(error.certificateVerification == "self-signed certificate")
            #expect(error.description.contains("certificate verify failed"))
            try await channel.closeFuture.get()
        }
    }
}

extension TLSError {
    /// X509's verdict, when the handshake failed on the peer's certificate.
    var certificateVerification: String? {
        if case .handshakeFailed(_, let verification) = self { verification } else { nil }
    }
}
