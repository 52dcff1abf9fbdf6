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
    /// The chat in progress, and whether its `/end` was sent: the next closing text closes it.
    private let current = Mutex<(chat: Int, ending: Bool)>((0, false))
    var isWeb: Bool { false }
    /// The default closing text, and the answer to an `/end` with no chat open: only these end a
    /// chat for the visitor.
    static let closingTexts = ["This chat has ended.", "You have no open chat here."]

    /// Every attempt at ending one chat carries this id: the router applies an end once, so a
    /// late copy (resent during a fault) ends no chat opened since.
    static func endID(chat: Int) -> String { "end-\(chat)" }

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
        current.withLock { $0 = (chat, false) }
    }

    func send(id: String, body: String) async throws {
        var message = Message(to: queue, type: .chat, id: id, body: body)
        message.element.append(XMLElement("request", namespace: "urn:xmpp:receipts"))
        try await session.send(message)
    }

    func end(chat: Int) async throws {
        current.withLock { $0 = (chat, true) }
        try await session.send(Message(to: queue, type: .chat, id: Self.endID(chat: chat), body: "/end"))
    }

    func close() async {
        await session.stop()
    }

    func receive(_ stanza: Stanza) async {
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
        } else if Self.closingTexts.contains(where: { body.hasPrefix($0) }) {
            let (chat, ending) = current.withLock { $0 }
            if ending {
                await confirmations.settle("end:\(chat)")
            } else if chat > 0 {
                // The router closed a chat the visitor did not end (or answered a late copy of
                // the last chat's end, arriving after this one began): the report names it.
                ledger.error("\(session.configuration.jid.bare) got a closing text in chat \(chat) before ending it: \(body.prefix(60))")
            }
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
    private let current = Mutex<(socket: WebSocketClient?, token: String?, chat: Int, port: Int, ending: Bool)>((nil, nil, 0, 0, false))
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
            defer { state = (nil, nil, chat, ports[chat % ports.count], false) }
            return state.socket
        }
        await previous?.close()
        try await connect()
    }

    func send(id: String, body: String) async throws {
        try await socket().send(["type": "message", "id": id, "text": body])
    }

    func end(chat: Int) async throws {
        current.withLock { $0.ending = true }
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
                if current.withLock({ $0.chat == chat && !$0.ending }) {
                    ledger.error("web visitor \(index) got `closed` in chat \(chat) before ending it")
                }
                await confirmations.settle("end:\(chat)")
            default:
                break  // session, queued, assigned, notices, `unavailable` errors (the line is sent again)
            }
        }
        // Dropped: the next send opens a new socket and resumes the session.
        current.withLock { if $0.socket === socket { $0.socket = nil } }
    }
}
