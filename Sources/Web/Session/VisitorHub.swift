import Routing
import Synchronization

/// What a connection's outbox is asked to send.
enum Outgoing: Sendable {
    case send(ServerMessage)
    /// A notice the router published for this connection's visitor.
    case notice(VisitorNotice)
    /// Show `chat` from the line after `after` (-1: all of it), and where it stands.
    case follow(chat: String, after: Int)
    /// New lines may be in the transcript.
    case catchUp
    /// Notices may have been lost (the subscription dropped): send what was missed and the state.
    case resync
}

/// The web service's open connections by visitor, so a notice published through Redis reaches
/// every tab the visitor has open here.
final class VisitorHub: Sendable {
    private let listeners = Mutex<(next: Int, byVisitor: [String: [Int: AsyncStream<Outgoing>.Continuation]])>((0, [:]))

    /// Sends `visitor`'s notices to `outbox` until `stop` with the returned id.
    func listen(visitor: String, _ outbox: AsyncStream<Outgoing>.Continuation) -> Int {
        listeners.withLock { listeners in
            listeners.next += 1
            listeners.byVisitor[visitor, default: [:]][listeners.next] = outbox
            return listeners.next
        }
    }

    func stop(visitor: String, id: Int) {
        listeners.withLock { listeners in
            listeners.byVisitor[visitor]?[id] = nil
            if listeners.byVisitor[visitor]?.isEmpty == true { listeners.byVisitor[visitor] = nil }
        }
    }

    func deliver(_ notice: VisitorNotice) {
        let outboxes = listeners.withLock { Array(($0.byVisitor[notice.visitor] ?? [:]).values) }
        for outbox in outboxes { outbox.yield(.notice(notice)) }
    }

    /// Every connection looks again at Redis for what it may have missed.
    func resyncAll() {
        let outboxes = listeners.withLock { $0.byVisitor.values.flatMap(\.values) }
        for outbox in outboxes { outbox.yield(.resync) }
    }

    var connectedVisitors: Int { listeners.withLock { $0.byVisitor.count } }
}
