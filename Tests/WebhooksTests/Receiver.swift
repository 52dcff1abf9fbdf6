import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A webhook receiver on a free loopback port, in the test process: Hummingbird answering each
/// POST as `behaviour` says for that event's attempt, and recording every request.
final class Receiver: Sendable {
    /// What the receiver does with one attempt.
    enum Answer: Sendable {
        case accept
        case fail(status: Int)
        /// Waits, then accepts: a slow receiver, answering within the hook's timeout.
        case acceptAfter(Duration)
        /// Waits longer than the hook's timeout: the sender gives up first, so it counts as failed.
        case hang(Duration)
    }

    /// One request as it arrived.
    struct Request: Sendable {
        var path: String
        var timestamp: String?
        var signature: String?
        var event: String?
        var body: String
        var answered: Bool
        /// The body's `id` and `chat`.
        var id: String
        var chat: String
    }

    /// The n-th attempt (from 1) at an event id → the answer.
    typealias Behaviour = @Sendable (_ id: String, _ attempt: Int) -> Answer

    private let behaviour: Mutex<Behaviour>
    private let requests = Mutex<[Request]>([])
    private let attempts = Mutex<[String: Int]>([:])
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    private let boundPort = Mutex(0)

    var port: Int { boundPort.withLock { $0 } }
    var url: String { "http://127.0.0.1:\(port)/hook" }

    private init(behaviour: @escaping Behaviour) {
        self.behaviour = Mutex(behaviour)
    }

    /// Starts a receiver and waits until it accepts connections.
    static func start(_ behaviour: @escaping Behaviour = { _, _ in .accept }) async throws -> Receiver {
        let receiver = Receiver(behaviour: behaviour)
        let ready = AsyncStream<Int>.makeStream()
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            return try await receiver.answer(request, body: body)
        }
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "test-receiver"),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task {
            defer { ready.continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        receiver.task.withLock { $0 = task }
        var iterator = ready.stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await receiver.stop()
            throw ReceiverError.didNotStart
        }
        receiver.boundPort.withLock { $0 = port }
        return receiver
    }

    func stop() async {
        let task = self.task.withLock { $0 }
        task?.cancel()
        _ = await task?.result
    }

    func setBehaviour(_ behaviour: @escaping Behaviour) { self.behaviour.withLock { $0 = behaviour } }

    /// Every request so far, in arrival order.
    var received: [Request] { requests.withLock { $0 } }

    /// The ids of the events accepted, in the order they were first accepted, per chat.
    var acceptedByChat: [String: [String]] {
        var out: [String: [String]] = [:]
        var seen: Set<String> = []
        for request in received where request.answered && seen.insert(request.id).inserted {
            out[request.chat, default: []].append(request.id)
        }
        return out
    }

    /// The ids accepted at least once.
    var acceptedIDs: Set<String> { Set(received.filter(\.answered).map(\.id)) }

    private func answer(_ request: Hummingbird.Request, body: String) async throws -> Response {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        let id = object?["id"] as? String ?? "?"
        let attempt = attempts.withLock { $0[id, default: 0] += 1; return $0[id]! }
        let answer = behaviour.withLock { $0 }(id, attempt)
        var record = Request(
            path: request.uri.path, timestamp: request.headers[.init("X-Switchboard-Timestamp")!],
            signature: request.headers[.init("X-Switchboard-Signature")!], event: request.headers[.init("X-Switchboard-Event")!],
            body: body, answered: false, id: id, chat: object?["chat"] as? String ?? "?")
        switch answer {
        case .accept:
            record.answered = true
            requests.withLock { $0.append(record) }
            return Response(status: .noContent)
        case .fail(let status):
            requests.withLock { $0.append(record) }
            return Response(status: .init(code: status))
        case .acceptAfter(let delay):
            try await Task.sleep(for: delay)
            record.answered = true
            requests.withLock { $0.append(record) }
            return Response(status: .ok)
        case .hang(let delay):
            requests.withLock { $0.append(record) }
            try? await Task.sleep(for: delay)
            return Response(status: .gatewayTimeout)
        }
    }
}

enum ReceiverError: Error { case didNotStart }
