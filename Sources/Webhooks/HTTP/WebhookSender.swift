import AsyncHTTPClient
import Foundation
import NIOCore
import Workflow

/// POSTs one event to one hook, signed, within the hook's timeout (connecting, sending and
/// reading the response together). Redirects are not followed: a receiver that moved is
/// answering with an error until the workflow says where it went.
struct WebhookSender: Sendable {
    let client: HTTPClient
    /// Response bytes read at most; the rest is not waited for.
    static let responseLimit = 64 * 1024

    /// What became of one attempt.
    enum Outcome: Sendable, Equatable {
        case delivered(status: Int)
        case failed(String)
    }

    func post(_ delivery: PendingDelivery, to hook: Webhook, now: Date = Date()) async -> Outcome {
        let timestamp = Int64(now.timeIntervalSince1970)
        let body = Array(delivery.body.utf8)
        var request = HTTPClientRequest(url: hook.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "switchboard-webhooks")
        request.headers.add(name: "X-Switchboard-Event", value: delivery.event)
        for header in WebhookSignature.headers(secret: hook.secret.value, timestamp: timestamp, body: body) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let prepared = request
        let timeout = hook.timeout
        do {
            return try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: .milliseconds(timeout.milliseconds))
                    var read = 0
                    for try await chunk in response.body {
                        read += chunk.readableBytes
                        if read > Self.responseLimit { break }
                    }
                    let status = Int(response.status.code)
                    return (200..<300).contains(status) ? .delivered(status: status) : .failed("HTTP \(status)")
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .failed("timed out after \(timeout.workflowText)")
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .failed("no outcome")
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failed("timed out after \(timeout.workflowText)")
        } catch {
            return .failed(Self.reason(error))
        }
    }

    /// A short reason for logs and dead letters, never with the URL (it may hold a token).
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return String(text.prefix(200))
    }
}
