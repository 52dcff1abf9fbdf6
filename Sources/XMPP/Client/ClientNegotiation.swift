import FoundationEssentials
import Logging
import NIOConcurrencyHelpers
import NIOCore
import TLS

/// The client side of stream negotiation (RFC 6120 §4–§7): STARTTLS, SASL, resource binding.
struct ClientNegotiation {
    let configuration: ClientConfiguration
    let link: XMLStreamChannel
    let logger: Logger
    /// The inbound events; handed to the session once negotiation is done.
    private(set) var events: NIOAsyncChannelInboundStream<XMLStreamEvent>.AsyncIterator
    private let expired = NIOLockedValueBox(false)

    init(configuration: ClientConfiguration, link: XMLStreamChannel, logger: Logger) {
        self.configuration = configuration
        self.link = link
        self.logger = logger
        self.events = link.inbound.makeAsyncIterator()
    }

    /// What negotiation settled.
    struct Outcome {
        var jid: JID
        var mechanism: String
        var isEncrypted: Bool
    }

    /// Runs the negotiation and returns the bound address.
    mutating func run() async throws(ClientError) -> Outcome {
        // A server that stalls mid-negotiation would hold the client forever: close after the timeout.
        let channel = link.channel
        let expired = self.expired
        let timeout = channel.eventLoop.scheduleTask(in: .init(configuration.negotiationTimeout)) {
            expired.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        var secured = false
        var mechanism: String?
        while true {
            let features = try await openStream()
            if !secured, case .startTLS(let tls) = configuration.security {
                guard features.child("starttls", namespace: Namespace.tls) != nil else { throw .tlsUnavailable }
                try await write(XMLElement("starttls", namespace: Namespace.tls))
                let answer = try await nextElement()
                guard answer.name == "proceed", answer.namespace == Namespace.tls else {
                    throw .tlsFailed("the server refused STARTTLS")
                }
                try await startTLS(tls, serverName: configuration.jid.domain)
                secured = true
                logger.debug("TLS established")
                continue
            }
            guard let mechanism else {
                mechanism = try await authenticate(features, secured: secured)
                try await restartParser()
                continue
            }
            return Outcome(jid: try await bind(features), mechanism: mechanism, isEncrypted: secured)
        }
    }

    private mutating func openStream() async throws(ClientError) -> XMLElement {
        try await send(.open(StreamHeader(contentNamespace: Namespace.client, to: configuration.jid.domain, version: "1.0")))
        guard case .streamOpened = try await nextEvent() else {
            throw .protocolViolation("no stream header")
        }
        let features = try await nextElement()
        guard features.name == "features", features.namespace == Namespace.stream else {
            throw .protocolViolation("<\(features.name)> instead of <stream:features>")
        }
        return features
    }

    /// Logs in with the best mechanism on offer and returns its name.
    private mutating func authenticate(_ features: XMLElement, secured: Bool) async throws(ClientError) -> String {
        let offered = features.child("mechanisms", namespace: Namespace.sasl)?.elements
            .filter { $0.name == "mechanism" }.map(\.text) ?? []
        let username = configuration.jid.local ?? ""
        var mechanism: any SASLMechanism
        if offered.contains(SCRAMSHA1Mechanism.name) {
            mechanism = SCRAMSHA1Mechanism(username: username, password: configuration.password)
        } else if offered.contains(PlainMechanism.name), Self.allowsPlain(verifiedTLS: secured && tlsVerifies, peer: link.channel.remoteAddress) {
            mechanism = PlainMechanism(username: username, password: configuration.password)
        } else {
            throw .noAcceptableMechanism(offered: offered)
        }
        var auth = XMLElement.text("auth", namespace: Namespace.sasl, Self.base64(try Self.sasl { () throws(SASLError) in
            try mechanism.initialResponse()
        }))
        auth[attribute: "mechanism"] = mechanism.name
        try await write(auth)
        while true {
            let answer = try await nextElement()
            guard answer.namespace == Namespace.sasl else { throw .protocolViolation("<\(answer.name)> during SASL") }
            switch answer.name {
            case "challenge":
                let challenge = try Self.decodeBase64(answer.text)
                let response = try Self.sasl { () throws(SASLError) in try mechanism.respond(to: challenge) }
                try await write(.text("response", namespace: Namespace.sasl, Self.base64(response)))
            case "success":
                let data = answer.text.isEmpty ? nil : try Self.decodeBase64(answer.text)
                try Self.sasl { () throws(SASLError) in try mechanism.verifySuccess(data) }
                logger.debug("authenticated", metadata: ["mechanism": "\(mechanism.name)"])
                return mechanism.name
            case "failure":
                let condition = answer.elements.first { $0.name != "text" }?.name ?? "not-authorized"
                throw .authenticationFailed(condition: condition, text: answer.child("text")?.text)
            default:
                throw .protocolViolation("<\(answer.name)> during SASL")
            }
        }
    }

    private static func sasl<T>(_ step: () throws(SASLError) -> T) throws(ClientError) -> T {
        do throws(SASLError) { return try step() } catch { throw .sasl(error) }
    }

    private mutating func bind(_ features: XMLElement) async throws(ClientError) -> JID {
        guard features.child("bind", namespace: Namespace.bind) != nil else {
            throw .bindFailed("the server offers no resource binding")
        }
        var request = XMLElement("bind", namespace: Namespace.bind)
        if let resource = configuration.jid.resource {
            request.append(.text("resource", namespace: Namespace.bind, resource))
        }
        let result = try await exchange(IQ(type: .set, id: "bind", payload: request))
        guard let text = result.payload?.child("jid")?.text, let jid = try? JID(text) else {
            throw .bindFailed("the server bound no valid address")
        }
        // RFC 3921 sessions: only where the server still says they are required.
        if let session = features.child("session", namespace: Namespace.session), session.child("optional") == nil {
            _ = try await exchange(IQ(type: .set, id: "session", payload: XMLElement("session", namespace: Namespace.session)))
        }
        return jid
    }

    /// Sends an IQ during negotiation and reads its response, the only stanza expected then.
    private mutating func exchange(_ request: IQ) async throws(ClientError) -> IQ {
        try await write(request.element)
        let response = IQ(try await nextElement())
        guard response.element.name == "iq", response.id == request.id else {
            throw .protocolViolation("<\(response.element.name)> instead of the answer to \(request.id ?? "")")
        }
        if let error = response.error {
            throw request.payload?.name == "session" ? .sessionFailed(error.description) : .bindFailed(error.description)
        }
        return response
    }

    // MARK: - Stream plumbing

    private func write(_ element: XMLElement) async throws(ClientError) {
        try await send(.element(element))
    }

    private func send(_ output: XMLStreamOutput) async throws(ClientError) {
        do {
            try await link.channel.writeAndFlush(output)
        } catch {
            throw expired.withLockedValue { $0 } ? .timeout : .closed
        }
    }

    private mutating func nextEvent() async throws(ClientError) -> XMLStreamEvent {
        let event: XMLStreamEvent?
        do {
            event = try await events.next()
        } catch let error as StreamError {
            throw .streamError(error)
        } catch let error as ClientError {
            throw error
        } catch {
            throw expired.withLockedValue { $0 } ? .timeout : .connectFailed("\(error)")
        }
        guard let event else { throw expired.withLockedValue { $0 } ? .timeout : .closed }
        return event
    }

    private mutating func nextElement() async throws(ClientError) -> XMLElement {
        switch try await nextEvent() {
        case .element(let element):
            if let error = StreamError(element) { throw .streamError(error) }
            return element
        case .streamClosed: throw .closed
        case .streamOpened: throw .protocolViolation("an unexpected stream header")
        }
    }

    /// Puts TLS under the stream (after `<proceed/>`) and waits for the handshake.
    private func startTLS(_ context: TLSContext, serverName: String) async throws(ClientError) {
        let channel = link.channel
        let (limits, logger) = (configuration.limits, logger)
        do {
            let handshake = try await channel.eventLoop.submit {
                let done = channel.eventLoop.makePromise(of: TLSHandshakeCompleted.self)
                let handler = try TLSHandler(client: context, serverHostname: serverName, handshakePromise: done, logger: logger)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                _ = try Self.replaceDecoder(of: channel, limits: limits)
                return done.futureResult
            }.get()
            let completed = try await handshake.get()
            logger.debug("TLS handshake done", metadata: ["tls": "\(completed.protocolVersion) \(completed.cipherSuite)"])
        } catch TLSError.handshakeFailed(_, let verification?) {
            throw .certificateRefused(verification)
        } catch {
            throw .tlsFailed("\(error)")
        }
    }

    /// After SASL the stream starts over: the next bytes are a new XML document.
    private func restartParser() async throws(ClientError) {
        let channel = link.channel
        let limits = configuration.limits
        do {
            try await channel.eventLoop.flatSubmit {
                do {
                    return try Self.replaceDecoder(of: channel, limits: limits)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
        } catch {
            throw .closed
        }
    }

    /// Swaps in a fresh XML decoder; called on the event loop, before the peer can send the new stream.
    private static func replaceDecoder(of channel: any Channel, limits: XMLStreamLimits) throws -> EventLoopFuture<Void> {
        let pipeline = channel.pipeline.syncOperations
        let old = try pipeline.handler(type: ByteToMessageHandler<XMLStreamDecoder>.self)
        try pipeline.addHandler(ByteToMessageHandler(XMLStreamDecoder(limits: limits)), position: .after(old))
        return channel.pipeline.removeHandler(old)
    }

    /// The password may go in clear (PLAIN) only inside TLS whose peer was verified, or to a
    /// server whose socket address is on this machine: nothing else rules out a listener.
    static func allowsPlain(verifiedTLS: Bool, peer: SocketAddress?) -> Bool {
        if verifiedTLS { return true }
        guard let ip = peer?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip == "::ffff:127.0.0.1"
    }

    private var tlsVerifies: Bool {
        guard case .startTLS(let context) = configuration.security,
            case .client(let verification) = context.configuration.role
        else { return false }
        return verification != .insecureNoVerification
    }

    static func base64(_ bytes: [UInt8]) -> String {
        // RFC 6120 §6.4.2: an empty response is written as a single '='.
        bytes.isEmpty ? "=" : Base64.encode(bytes)
    }

    static func decodeBase64(_ text: String) throws(ClientError) -> [UInt8] {
        if text == "=" { return [] }
        guard let bytes = Base64.decode(text) else { throw .protocolViolation("SASL data is not base64") }
        return bytes
    }
}
