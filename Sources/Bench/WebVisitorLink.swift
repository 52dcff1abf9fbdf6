import LocalServices
import Synchronization
import WidgetClient
import XMPP

/// A visitor on the web widget's WebSocket (docs/web-protocol.md): each chat is a new page
/// visit, as on a real site: a socket of its own and a `hello` for the queue (a new session),
/// answered by `session` before the visitor writes (so time to offer leaves the page's set-up
/// out, as a visitor types after the widget is open); then the visitor's `message` frames and
/// `end`; the socket closes when the service answers `closed`.
///
/// The web service limits each address (30 connections and 120 frames per 10 s): every bench
/// web visitor connects from an address of its own on loopback (127.1.x.y), as every real
/// visitor has one, so the limits apply per visitor as they would in production.
final class WebVisitorLink: VisitorLink {
    /// The origin the bench's workflow allows.
    static let origin = "http://bench.localhost"
    /// Messages the web service takes from a session per 10 s (`WebLimits.messagesPerSession`).
    static let messagesPerSession = 10

    let index: Int
    /// The loopback address this visitor connects from.
    let localAddress: String
    /// The socket of the chat in progress, nil between chats.
    private let current = Mutex<WebSocketClient?>(nil)
    /// Sockets of chats ended whose `closed` has not come yet, and the current one.
    private let open = Mutex<[ObjectIdentifier: WebSocketClient]>([:])
    private let messageNumber = Atomic<Int>(0)

    init(index: Int) {
        self.index = index
        localAddress = "127.1.\(index / 250).\(index % 250 + 1)"
    }

    func prepare(chatAt address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws {
        try await connect(queue: address.local ?? "", for: visitor, in: run)
    }

    func send(_ body: String, to address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws {
        guard let socket = current.withLock({ $0 }) else { throw BenchError.setup("web visitor \(index) has no open chat") }
        let id = messageNumber.add(1, ordering: .relaxed).newValue
        try await socket.send(["type": "message", "id": "m\(id)", "text": body])
    }

    func end(chatAt address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws {
        guard let socket = current.withLock({ socket in defer { socket = nil }; return socket }) else { return }
        try await socket.send(["type": "end"])
    }

    func close() async {
        current.withLock { $0 = nil }
        for socket in open.withLock({ $0.values }) { await socket.close() }
    }

    /// A new page visit: the socket, the `hello` for `queue` and its `session` answer, and a task
    /// that hands the agent's lines to `visitor` until the chat is closed.
    private func connect(queue: String, for visitor: BenchVisitor, in run: PhaseRun) async throws {
        guard let port = run.webPort else { throw BenchError.setup("no web service to connect web visitors to") }
        let socket = try await WebSocketClient.connect(port: port, origin: Self.origin, localAddress: localAddress)
        let key = ObjectIdentifier(socket)
        open.withLock { $0[key] = socket }
        do {
            try await socket.send(["type": "hello", "queue": queue, "name": "web\(index)"])
            let answer = try await socket.next("the session") { $0.type == "session" || $0.type == "error" }
            guard answer.type == "session" else {
                throw BenchError.setup("the web service refused the hello: \(answer["code"] ?? "?"): \(answer["message"] ?? "")")
            }
        } catch {
            open.withLock { $0[key] = nil }
            await socket.close()
            throw error
        }
        current.withLock { $0 = socket }
        Task {
            await read(socket, for: visitor, in: run)
            open.withLock { $0[key] = nil }
            await socket.close()
        }
    }

    private func read(_ socket: WebSocketClient, for visitor: BenchVisitor, in run: PhaseRun) async {
        while let frame = await socket.inbox.take() {
            switch frame.type {
            case "message" where frame["from"] == "agent":
                await visitor.received(body: frame["text"] ?? "", in: run)
            case "error":
                run.measurements.error("web visitor \(index) got an error: \(frame["code"] ?? "?"): \(frame["message"] ?? "")")
            case "closed":
                return
            default:
                break  // session, received, queued, assigned, typing, notices, the visitor's own lines
            }
        }
        if current.withLock({ $0 === socket }) {
            run.measurements.error("web visitor \(index)'s socket closed during a chat")
        }
    }
}
