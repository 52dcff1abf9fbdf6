/// What became of a stanza sent with `XMPPComponent.sendAcknowledged`.
public enum ServerHandling: Sendable, Equatable {
    /// The server answered a ping written after it on the same link, and sent no error for it:
    /// it routed the stanza (to a session of the addressee, or to their offline store).
    case routed
    /// The server sent it back as an error (the addressee had no session to take it).
    case bounced
    /// The link dropped, or the server did not answer in time: it may or may not have been
    /// routed. XEP-0114 has no acknowledgement; nothing on our side can tell.
    case unknown
}

/// The bookkeeping of `XMPPComponent.sendAcknowledged`: XEP-0114 acknowledges nothing, but a
/// server handles a link's stanzas in order, so its answer to a ping written after a stanza says
/// that stanza was handled, and an error for it would have come first. One ping follows all the
/// stanzas written in one tick of the link's event loop. A value type; the component keeps it
/// under its lock.
struct ServerAcknowledgements {
    /// Every component's acknowledgement pings carry this id prefix; their answers are not
    /// passed on to the handler.
    static let prefix = "sb-ack-"
    /// This component's own: `sb-ack-INSTANCE-`. An answer to another component's ping of the
    /// same domain (ejabberd answers on any of the domain's links) is handed on, not taken.
    let own: String
    /// At most this many sends wait at once; more are not sent and come back `.unknown` (the caller tries later).
    static let waiterLimit = 10_000

    init(instance: String) {
        own = "\(Self.prefix)\(instance)-"
    }

    private var pings = 0
    /// The ping that will follow the stanzas written in this tick, per link, if one is due.
    private var due: [ObjectIdentifier: String] = [:]
    /// Per ping id, the waiters and the ids of the stanzas they wait for.
    private var waiting: [String: [(stanzas: [String], resume: Waiter)]] = [:]

    typealias Waiter = CheckedContinuation<[ServerHandling], Never>
    /// Ids of stanzas waited for that the server sent back as errors.
    private var bounced: Set<String> = []
    /// Ids of stanzas waited for (a bounce for anything else is none of ours).
    private var watched: Set<String> = []

    /// Notes a stanza written in this tick to `link`; returns the ping id to wait for and, when
    /// it is the tick's first, true: the caller writes that ping after this tick's stanzas.
    mutating func follow(_ stanza: String, on link: ObjectIdentifier) -> (ping: String, isNew: Bool) {
        watched.insert(stanza)
        if let ping = due[link] { return (ping, false) }
        pings += 1
        let ping = "\(own)\(pings)"
        due[link] = ping
        return (ping, true)
    }

    /// The tick's ping is being written: later stanzas need another.
    mutating func pingWritten(on link: ObjectIdentifier) {
        due[link] = nil
    }

    mutating func wait(for ping: String, stanzas: [String], _ resume: Waiter) {
        waiting[ping, default: []].append((stanzas, resume))
        waiters += 1
    }

    private var waiters = 0
    /// Whether as many sends wait as may (a server that stopped answering): more are not sent.
    var isFull: Bool { waiters >= Self.waiterLimit }

    /// A message error came back: if it is for a stanza waited for, it was bounced. Returns
    /// whether it was (false: perhaps another component's, or no one's).
    @discardableResult
    mutating func error(for stanza: String) -> Bool {
        guard watched.contains(stanza) else { return false }
        bounced.insert(stanza)
        return true
    }

    /// The server answered `ping` (or it will never be answered: `answered` false). Returns the
    /// waiters to resume, and with what.
    mutating func settle(_ ping: String, answered: Bool) -> [(Waiter, [ServerHandling])] {
        let settled = waiting.removeValue(forKey: ping) ?? []
        waiters -= settled.count
        return settled.map { waiter in
            let handled = waiter.stanzas.map { stanza -> ServerHandling in
                watched.remove(stanza)
                let wasBounced = bounced.remove(stanza) != nil
                return !answered ? .unknown : wasBounced ? .bounced : .routed
            }
            return (waiter.resume, handled)
        }
    }

    /// Every ping still waited for, to settle as unanswered when the link drops.
    var unanswered: [String] { Array(waiting.keys) }

    /// Whether an answer is waited for: the link must read on.
    var isWaiting: Bool { !waiting.isEmpty }
}
