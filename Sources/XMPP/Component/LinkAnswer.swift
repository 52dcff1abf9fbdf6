/// What the XMPP server handed this component's link but belongs to another component of the
/// same domain: ejabberd spreads a domain's stanzas over all its links at random, answers to
/// pings and bounces included. The router that read it hands it on (through Redis, see
/// `ChatRouter`), and the one it belongs to takes it with `XMPPComponent.takeRelayedAnswer`.
/// Prosody allows one link per domain, so there every answer is read where it is awaited.
public enum LinkAnswer: Sendable, Hashable {
    /// The server answered the ping with this id (a result or an error, both prove it handled
    /// what came before it on the sender's link).
    case answered(String)
    /// The server sent back the message with this id as an error.
    case bounced(String)

    /// Ids longer than this are nobody's: ours are far shorter, and a relay carries no more.
    public static let maxIDLength = 100

    public var id: String {
        switch self {
        case .answered(let id), .bounced(let id): id
        }
    }

    /// The text a relay carries: `a ID` or `b ID`.
    public var payload: String {
        switch self {
        case .answered(let id): "a " + id
        case .bounced(let id): "b " + id
        }
    }

    /// Reads what a relay carried; nil for anything else (too long, unknown kind, no id).
    public init?(payload: [UInt8]) {
        guard payload.count > 2, payload.count <= 2 + Self.maxIDLength, payload[1] == UInt8(ascii: " ") else { return nil }
        let id = String(decoding: payload[2...], as: UTF8.self)
        switch payload[0] {
        case UInt8(ascii: "a"): self = .answered(id)
        case UInt8(ascii: "b"): self = .bounced(id)
        default: return nil
        }
    }
}

/// A stanza the XMPP server sent back after this component counted it as routed: with several
/// links to one domain (ejabberd) the error can reach another router's link, and be handed over
/// only after the sender read the answer to the ping behind the stanza on its own. The stanza
/// is known by its id and the addresses it was sent with.
public struct LateBounce: Sendable, Hashable {
    public let id: String
    /// The address it was sent from (one of the component's).
    public let from: String?
    /// The addressee that had no session to take it.
    public let to: String?

    public init(id: String, from: String?, to: String?) {
        self.id = id
        self.from = from
        self.to = to
    }
}
