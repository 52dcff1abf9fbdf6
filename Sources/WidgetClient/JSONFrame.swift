import Foundation
import Synchronization

/// A text frame holding a JSON object (the web widget's protocol), its fields flattened to text
/// values for easy matching: `{"form": {"name": true}}` gives `form.name` = `1`.
public struct JSONFrame: Sendable, CustomStringConvertible {
    public let fields: [String: String]
    public var type: String { fields["type"] ?? "" }
    public subscript(_ key: String) -> String? { fields[key] }
    public var description: String { fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

    /// Nil when `text` is not a JSON object.
    public init?(_ text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in object {
            if let nested = value as? [String: Any] {
                for (inner, value) in nested { fields["\(key).\(inner)"] = "\(value)" }
            } else {
                fields[key] = "\(value)"
            }
        }
        self.fields = fields
    }
}

/// Frames received and not yet taken: a reader takes the first that matches, wherever it is, so
/// frames of other kinds arriving in between (in an order the protocol leaves open) are kept.
public final class FrameInbox: Sendable {
    private struct Waiter {
        let id: Int
        let matching: @Sendable (JSONFrame) -> Bool
        let continuation: CheckedContinuation<JSONFrame?, Never>
    }

    private let state = Mutex<(frames: [JSONFrame], waiters: [Waiter], next: Int, ended: Bool)>(([], [], 0, false))

    public init() {}

    func add(_ frame: JSONFrame) {
        let waiter: Waiter? = state.withLock { state in
            if let index = state.waiters.firstIndex(where: { $0.matching(frame) }) { return state.waiters.remove(at: index) }
            state.frames.append(frame)
            return nil
        }
        waiter?.continuation.resume(returning: frame)
    }

    func end() {
        let waiters = state.withLock { state in
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// The first frame `matching` accepts, waiting for it; nil if the socket ends (or the wait is cancelled).
    public func take(_ matching: @escaping @Sendable (JSONFrame) -> Bool = { _ in true }) async -> JSONFrame? {
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let found: JSONFrame?? = state.withLock { state in
                    if let index = state.frames.firstIndex(where: matching) { return .some(state.frames.remove(at: index)) }
                    if state.ended || Task.isCancelled { return .some(nil) }
                    state.waiters.append(Waiter(id: id, matching: matching, continuation: continuation))
                    return .none
                }
                if let found { continuation.resume(returning: found) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Every frame not taken yet.
    public var pending: [JSONFrame] { state.withLock { $0.frames } }
}
