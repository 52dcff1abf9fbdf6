import Logging
import Synchronization
import WidgetClient
import XMPP

/// A visitor signed in to ejabberd, writing to the queue's address with a receipt asked for.
final class FaultXMPPChannel: FaultVisitorChannel {
    let session: FaultSession
    private let queue: JID
    private let confirmations: Confirmations
    private let ledger: FaultLedger
    /// The chat whose `/end` was sent: the next text from the service that is no answer closes it.
    private let ending = Mutex<Int?>(nil)
    var isWeb: Bool { false }
    /// The default closing text, and the answer to an `/end` with no chat open: only these end a
    /// chat for the visitor. (`/end` names no chat: one sent again, arriving after the next chat
    /// began, would end that one, so nothing else may pass for the goodbye.)
    static let closingTexts = ["This chat has ended.", "You have no open chat here."]

    init(_ configuration: ClientConfiguration, queue: JID, confirmations: Confirmations, ledger: FaultLedger, logger: Logger) {
        session = FaultSession(configuration, logger: logger) { try await $0.send(Presence()) }
        self.queue = queue
        self.confirmations = confirmations
        self.ledger = ledger
    }

    func run() async {
        await session.run { await self.receive($0) }
    }

    func open(chat: Int) async throws {
        ending.withLock { $0 = nil }
    }

    func send(id: String, body: String) async throws {
        var message = Message(to: queue, type: .chat, id: id, body: body)
        message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
        try await session.send(message)
    }

    func end(chat: Int) async throws {
        ending.withLock { $0 = chat }
        try await session.send(Message(to: queue, type: .chat, body: "/end"))
    }

    func close() async {
        await session.stop()
    }

    private func receive(_ stanza: Stanza) async {
        guard case .message(let message) = stanza, message.type != .error else { return }
        let now = BenchClock.now()
        if let id = message.element.child("received", namespace: "urn:xmpp:receipts")?[attribute: "id"] {
            if let key = FaultVisitor.key(ofID: id) { ledger.confirmed(key, at: now) }
            await confirmations.settle("r:\(id)")
            return
        }
        guard let body = message.body else { return }
        if let answer = BenchText(in: body, from: .agent) {
            ledger.answered(FaultLedger.LineKey(chat: answer.chat, sequence: answer.sequence), at: now)
            await confirmations.settle("a:\(answer.chat):\(answer.sequence)")
        } else if let chat = ending.withLock({ $0 }), Self.closingTexts.contains(where: { body.hasPrefix($0) }) {
            await confirmations.settle("end:\(chat)")
        }
    }
}

/// A web visitor: each chat a page visit on one of the web nodes (a socket, a `hello`, the
/// `session`); lines are `message` frames confirmed by `received`; `end` is answered by `closed`.
/// A socket that drops mid-chat is opened again and the session resumed with its token.
final class FaultWebChannel: FaultVisitorChannel {
    private let index: Int
    private let ports: [Int]
    private let localAddress: String
    private let confirmations: Confirmations
    private let ledger: FaultLedger
    private let current = Mutex<(socket: WebSocketClient?, token: String?, chat: Int, port: Int)>((nil, nil, 0, 0))
    var isWeb: Bool { true }

    init(index: Int, ports: [Int], confirmations: Confirmations, ledger: FaultLedger) {
        self.index = index
        self.ports = ports
        // An address of its own per visitor: the web service's limits are per address.
        localAddress = "127.2.\(index / 250).\(index % 250 + 1)"
        self.confirmations = confirmations
        self.ledger = ledger
    }

    func open(chat: Int) async throws {
        let previous = current.withLock { state in
            defer { state = (nil, nil, chat, ports[chat % ports.count]) }
            return state.socket
        }
        await previous?.close()
        try await connect()
    }

    func send(id: String, body: String) async throws {
        try await socket().send(["type": "message", "id": id, "text": body])
    }

    func end(chat: Int) async throws {
        try await socket().send(["type": "end"])
    }

    func close() async {
        let socket = current.withLock { state in defer { state.socket = nil }; return state.socket }
        await socket?.close()
    }

    /// The open socket, or a new one resuming the session when it dropped.
    private func socket() async throws -> WebSocketClient {
        if let socket = current.withLock({ $0.socket }) { return socket }
        return try await connect()
    }

    @discardableResult
    private func connect() async throws -> WebSocketClient {
        let (token, chat, port) = current.withLock { ($0.token, $0.chat, $0.port) }
        let socket = try await WebSocketClient.connect(port: port, origin: WebVisitorLink.origin, localAddress: localAddress)
        do {
            var hello: [String: any Sendable] = ["type": "hello", "queue": FaultDeployment.queue, "name": "web\(index)"]
            if let token { hello["token"] = token }
            try await socket.send(hello)
            let answer = try await socket.next("the session") { $0.type == "session" || $0.type == "error" }
            guard answer.type == "session", let newToken = answer["token"] else {
                throw BenchError.setup("the web node refused the hello: \(answer["code"] ?? "?"): \(answer["message"] ?? "")")
            }
            current.withLock { $0.socket = socket; $0.token = newToken }
        } catch {
            await socket.close()
            throw error
        }
        Task { await read(socket, chat: chat) }
        return socket
    }

    private func read(_ socket: WebSocketClient, chat: Int) async {
        while let frame = await socket.inbox.take() {
            let now = BenchClock.now()
            switch frame.type {
            case "received":
                if let id = frame["id"] {
                    if let key = FaultVisitor.key(ofID: id) { ledger.confirmed(key, at: now) }
                    await confirmations.settle("r:\(id)")
                }
            case "message" where frame["from"] == "agent":
                if let answer = BenchText(in: frame["text"] ?? "", from: .agent) {
                    ledger.answered(FaultLedger.LineKey(chat: answer.chat, sequence: answer.sequence), at: now)
                    await confirmations.settle("a:\(answer.chat):\(answer.sequence)")
                }
            case "closed":
                await confirmations.settle("end:\(chat)")
            default:
                break  // session, queued, assigned, notices, `unavailable` errors (the line is sent again)
            }
        }
        // Dropped: the next send opens a new socket and resumes the session.
        current.withLock { if $0.socket === socket { $0.socket = nil } }
    }
}
