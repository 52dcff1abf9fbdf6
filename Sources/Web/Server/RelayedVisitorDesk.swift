import Foundation
import Routing
import Synchronization
import XMPP

/// The router as a web service beside it sees it (`switchboard web`): visitors' input goes out
/// as `VisitorRequest`s through Redis and the first router's `VisitorReply` answers it. With no
/// router to answer within `timeout` the request fails, and the widget tries again (its message
/// stays pending until confirmed).
public final class RelayedVisitorDesk: VisitorDesk {
    private let store: RoutingStore
    private let currentRules: Mutex<RoutingRules>
    private let waiting = Mutex<[String: CheckedContinuation<VisitorReply, any Error>]>([:])
    let timeout: Duration

    public init(rules: RoutingRules, store: RoutingStore, timeout: Duration = .seconds(5)) {
        self.store = store
        self.currentRules = Mutex(rules)
        self.timeout = timeout
    }

    public var rules: RoutingRules { currentRules.withLock { $0 } }

    /// The rules in force (SIGHUP with a valid workflow).
    public func reload(_ rules: RoutingRules) {
        currentRules.withLock { $0 = rules }
    }

    public func visitorSays(
        _ text: String, messageID: String, visitor: String, name: String, greeting: String, queue: String, attachment: Attachment? = nil
    ) async throws -> Enqueued {
        let reply = try await ask(VisitorRequest(
            id: UUID().uuidString, kind: .say, visitor: visitor, queue: queue, text: text, messageID: messageID, name: name,
            greeting: greeting, attachment: attachment))
        guard let enqueued = reply.enqueued else { throw RelayFailure.refused(reply.error ?? "no answer") }
        return enqueued
    }

    public func visitorTyping(_ state: ChatState, visitor: String, queue: String) async throws {
        _ = try await ask(VisitorRequest(id: UUID().uuidString, kind: .typing, visitor: visitor, queue: queue, state: state.rawValue))
    }

    public func visitorEnds(visitor: String, queue: String, endID: String?) async throws {
        let reply = try await ask(VisitorRequest(id: UUID().uuidString, kind: .end, visitor: visitor, queue: queue, messageID: endID))
        if let error = reply.error { throw RelayFailure.refused(error) }
    }

    /// A router's answer arrived (the web service's subscription hands them all here).
    func answered(_ reply: VisitorReply) {
        waiting.withLock { $0.removeValue(forKey: reply.id) }?.resume(returning: reply)
    }

    private func ask(_ request: VisitorRequest) async throws -> VisitorReply {
        let timeout = self.timeout
        let expiry = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.waiting.withLock { $0.removeValue(forKey: request.id) }?.resume(throwing: RelayFailure.noRouter(timeout))
        }
        defer { expiry.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            waiting.withLock { $0[request.id] = continuation }
            Task {
                do {
                    try await store.publish(request, on: WebKeys(store.keys).requests)
                } catch {
                    waiting.withLock { $0.removeValue(forKey: request.id) }?.resume(throwing: error)
                }
            }
        }
    }
}

/// Why a relayed request got no good answer.
public enum RelayFailure: Error, CustomStringConvertible {
    case noRouter(Duration)
    case refused(String)

    public var description: String {
        switch self {
        case .noRouter(let timeout): "no router answered within \(timeout)"
        case .refused(let reason): "the router could not take it: \(reason)"
        }
    }
}
