import Foundation
import Hummingbird
import Logging
import SwitchboardTesting
import Synchronization

/// A queue's bot on a free loopback port, in the test process: Hummingbird answering each
/// question as `behaviour` says for its text, recording every request as it arrived.
final class BotServer: Sendable {
    enum Answer: Sendable {
        /// 200 with this body.
        case json(String)
        case status(Int)
        /// No answer at all (until the test ends): the router's timeout, or its death, decides.
        case silent
    }

    /// One question as it arrived.
    struct Question: Sendable {
        var timestamp: String?
        var signature: String?
        var body: String
        var text: String
        var chat: String
    }

    private let behaviour: @Sendable (String) -> Answer
    private let questions = Mutex<[Question]>([])
    private let arrivals: AsyncStream<Question>.Continuation
    private let stream: AsyncStream<Question>
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    private let boundPort = Mutex(0)

    var url: String { "http://127.0.0.1:\(boundPort.withLock { $0 })/bot" }
    var received: [Question] { questions.withLock { $0 } }

    private init(behaviour: @escaping @Sendable (String) -> Answer) {
        self.behaviour = behaviour
        (stream, arrivals) = AsyncStream<Question>.makeStream()
    }

    /// Starts a bot answering each visitor text as `behaviour` says, once it accepts connections.
    static func start(_ behaviour: @escaping @Sendable (String) -> Answer) async throws -> BotServer {
        let bot = BotServer(behaviour: behaviour)
        let ready = AsyncStream<Int>.makeStream()
        let router = Router()
        router.post("bot") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            return try await bot.answer(request, body: body)
        }
        var logger = Logger(label: "test-bot")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "test-bot"),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task {
            defer { ready.continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        bot.task.withLock { $0 = task }
        var iterator = ready.stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await bot.stop()
            throw BotServerError.didNotStart
        }
        bot.boundPort.withLock { $0 = port }
        return bot
    }

    /// Runs `body` with a bot, stopped afterwards.
    static func with(_ behaviour: @escaping @Sendable (String) -> Answer, _ body: (BotServer) async throws -> Void) async throws {
        let bot = try await start(behaviour)
        try await withCleanup { try await body(bot) } cleanup: { await bot.stop() }
    }

    func stop() async {
        arrivals.finish()
        let task = self.task.withLock { $0 }
        task?.cancel()
        _ = await task?.result
    }

    /// Waits for the question about `text` (awaited, not polled: each arrival is yielded).
    func question(_ text: String) async throws -> Question {
        if let known = received.first(where: { $0.text == text }) { return known }
        let stream = self.stream
        return try await within(.seconds(60), "the bot to be asked about '\(text)'") {
            for await question in stream where question.text == text { return question }
            throw BotServerError.stopped
        }
    }

    private func answer(_ request: Request, body: String) async throws -> Response {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        let text = object?["text"] as? String ?? ""
        let question = Question(
            timestamp: request.headers[.init("X-Switchboard-Timestamp")!], signature: request.headers[.init("X-Switchboard-Signature")!],
            body: body, text: text, chat: object?["chat"] as? String ?? "")
        questions.withLock { $0.append(question) }
        arrivals.yield(question)
        switch behaviour(text) {
        case .json(let json):
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        case .status(let code):
            return Response(status: .init(code: code))
        case .silent:
            try? await Task.sleep(for: .seconds(600))
            return Response(status: .gatewayTimeout)
        }
    }
}

enum BotServerError: Error { case didNotStart, stopped }
