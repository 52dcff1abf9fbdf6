import AsyncHTTPClient
import Foundation
import NIOCore
import Workflow

/// Asks a queue's bot about one visitor line: a signed POST (as webhooks are signed,
/// `WebhookSignature`) of `{chat, queue, name, text, time}`, answered within the bot's timeout.
struct BotCaller: Sendable {
    let client: HTTPClient

    init(client: HTTPClient = .shared) {
        self.client = client
    }

    /// One line for the bot.
    struct Question: Sendable, Encodable {
        var chat: String
        var queue: String
        /// The visitor's display name (never their address).
        var name: String
        var text: String
        /// Unix seconds.
        var time: Int64
    }

    /// Why no answer can be used: the chat goes to the agents, with this in its history.
    enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case timedOut(Duration)
        case status(Int)
        case badAnswer(BotAnswerError)
        case unreachable(String)

        var description: String {
            switch self {
            case .timedOut(let timeout): "no answer within \(timeout.workflowText)"
            case .status(let code): "the bot answered HTTP \(code)"
            case .badAnswer(let why): "a bad answer: \(why)"
            case .unreachable(let why): "the bot cannot be reached: \(why)"
            }
        }
    }

    func ask(_ question: Question, of bot: QueueBot) async -> Result<BotAnswer, Failure> {
        let body: [UInt8]
        do { body = Array(try JSONEncoder().encode(question)) } catch { return .failure(.unreachable("cannot encode the question")) }
        var request = HTTPClientRequest(url: bot.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "switchboard-router")
        for header in WebhookSignature.headers(secret: bot.secret.value, timestamp: question.time, body: body) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let prepared = request
        let timeout = bot.timeout
        do {
            // The client's own timeout covers the request; the race covers a body trickling in.
            return try await withThrowingTaskGroup(of: Result<BotAnswer, Failure>.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: .milliseconds(timeout.milliseconds))
                    let status = Int(response.status.code)
                    var bytes: [UInt8] = []
                    for try await chunk in response.body {
                        bytes += chunk.readableBytesView
                        if bytes.count > BotAnswer.longestAnswer { break }
                    }
                    guard (200..<300).contains(status) else { return .failure(.status(status)) }
                    do throws(BotAnswerError) { return .success(try BotAnswer(json: bytes)) } catch { return .failure(.badAnswer(error)) }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .failure(.timedOut(timeout))
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .failure(.timedOut(timeout))
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failure(.timedOut(timeout))
        } catch {
            // Never the URL: it may hold a token.
            let text = "\(error)"
            return .failure(.unreachable(text.contains("onnection refused") ? "connection refused" : String(text.prefix(200))))
        }
    }
}
