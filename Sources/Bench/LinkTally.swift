import NIOCore
import Synchronization
import XMPP

/// What crossed the component link (Prosody ↔ router or floor component) during a phase, counted
/// where the bench sees it: every stanza a visitor or agent session gets from the relay's domain
/// went out on the link, and every one they write to it came in on it. Sorted by kind, with the
/// extras that make a relayed line bigger (`<nick>`, chat states, receipts). Counts, not times:
/// the same on an idle machine and a loaded one. The link's own TCP bytes come from the kernel
/// (`LinkSocketBytes`).
final class LinkTally: Sendable {
    private let counts = Mutex(LinkFigures())
    /// Off until the arrivals start: the agents' `/status` round trips are set-up, not traffic.
    private let counting = Atomic<Bool>(false)

    func start() { counting.store(true, ordering: .relaxed) }
    func stop() { counting.store(false, ordering: .relaxed) }

    var figures: LinkFigures { counts.withLock { $0 } }

    /// A stanza a session received: counted when it came from the relay's domain.
    func received(_ stanza: Stanza, serviceDomain: String) {
        guard counting.load(ordering: .relaxed), stanza.element[attribute: "from"].map({ Self.domain(of: $0) == serviceDomain }) == true
        else { return }
        let element = stanza.element
        let kind = Self.kind(of: stanza)
        let bytes = Self.size(element)
        let nicks = element.elements.filter { $0.name == "nick" }
        let states = element.elements.filter { $0.namespace == Namespace.chatStates }.count
        counts.withLock { figures in
            figures.fromRelay[kind, default: 0] += 1
            figures.bytesFromRelay[kind, default: 0] += bytes
            figures.nickElements += nicks.count
            figures.nickBytes += nicks.reduce(0) { $0 + Self.size($1, parentNamespace: Namespace.client) }
            if stanza.isMessageWithBody { figures.chatStatesOnLines += states }
        }
    }

    /// A stanza a session wrote to the relay's domain (nothing else is passed here).
    func sent(_ kind: String, _ element: XMLElement) {
        guard counting.load(ordering: .relaxed) else { return }
        let bytes = Self.size(element)
        counts.withLock { figures in
            figures.toRelay[kind, default: 0] += 1
            figures.bytesToRelay[kind, default: 0] += bytes
        }
    }

    /// What a stanza from the relay is, for the table.
    static func kind(of stanza: Stanza) -> String {
        switch stanza {
        case .presence: return LinkFigures.Kind.presence
        case .iq: return LinkFigures.Kind.other
        case .message(let message):
            if message.type == .error { return LinkFigures.Kind.other }
            if let body = message.body {
                return isLine(body) ? LinkFigures.Kind.line : LinkFigures.Kind.notice
            }
            if message.element.child("received", namespace: "urn:xmpp:receipts") != nil { return LinkFigures.Kind.receipt }
            if message.chatState != nil { return LinkFigures.Kind.chatState }
            return LinkFigures.Kind.other
        }
    }

    /// A bench message's whole body (`v:…` or `a:…`); an offer quoting one is a notice.
    static func isLine(_ body: String) -> Bool {
        var bytes = body.utf8.makeIterator()
        guard let first = bytes.next(), first == BenchText.Sender.visitor.rawValue || first == BenchText.Sender.agent.rawValue else {
            return false
        }
        return bytes.next() == UInt8(ascii: ":")
    }

    /// The element's size as XML inside a `jabber:client` stream (as Prosody writes it to a
    /// client; on the component link it carries the same bytes).
    static func size(_ element: XMLElement, parentNamespace: String = Namespace.client) -> Int {
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        element.write(to: &buffer, parentNamespace: parentNamespace)
        return buffer.readableBytes
    }

    private static func domain(of address: String) -> Substring {
        let afterAt = address.firstIndex(of: "@").map { address[address.index(after: $0)...] } ?? address[...]
        return afterAt.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? afterAt
    }
}

extension Stanza {
    fileprivate var isMessageWithBody: Bool {
        if case .message(let message) = self { message.body != nil } else { false }
    }
}

/// The component link's traffic in a phase (see `LinkTally`): stanzas and bytes each way by
/// kind, and the kernel's TCP byte counts of the link when the bench could read them.
public struct LinkFigures: Sendable, Codable, Equatable {
    /// The kinds counted.
    public enum Kind {
        /// A bench message relayed (visitor → agent or back).
        public static let line = "relayed lines"
        /// Anything else with a body: welcome, position, offer, assigned, goodbye, `/end`.
        public static let notice = "notices"
        public static let chatState = "chat states"
        public static let receipt = "receipts"
        public static let presence = "presence"
        public static let other = "other"
    }

    /// Stanzas the sessions got from the relay's domain, and their bytes, by kind.
    public var fromRelay: [String: Int] = [:]
    public var bytesFromRelay: [String: Int] = [:]
    /// Stanzas the sessions wrote to the relay's domain, and their bytes, by kind.
    public var toRelay: [String: Int] = [:]
    public var bytesToRelay: [String: Int] = [:]
    /// `<nick>` elements (XEP-0172) in what the relay sent, and their bytes.
    public var nickElements = 0
    public var nickBytes = 0
    /// Chat-state elements (XEP-0085) on messages with a body (e.g. `<active/>` on a line).
    public var chatStatesOnLines = 0
    /// The link's TCP payload bytes, from Prosody's socket (`ss`): towards the relay and from it.
    public var socketBytesToRelay: Int?
    public var socketBytesFromRelay: Int?

    public init() {}

    public var stanzasFromRelay: Int { fromRelay.values.reduce(0, +) }
    public var stanzasToRelay: Int { toRelay.values.reduce(0, +) }
}
