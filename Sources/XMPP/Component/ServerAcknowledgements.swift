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
/// stanzas written in one tick of the link's event loop, and a link has at most one ping in
/// flight: stanzas written while one is unanswered share the next, written when it is answered
/// (or given up). At low load every stanza still gets a ping at once; under load one ping covers
/// every stanza of a round trip, so the server answers far fewer (each ping costs it a stanza in
/// and one out). A value type; the component keeps it under its lock.
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
    /// The ping that will follow the stanzas written since the link's last ping, per link, if one is due.
    private var due: [ObjectIdentifier: String] = [:]
    /// How long the due ping's answer is awaited once written: the longest its senders asked for.
    private var dueTimeout: [ObjectIdentifier: Duration] = [:]
    /// The ping written and not yet answered, per link.
    private var inFlight: [ObjectIdentifier: String] = [:]
    /// Per ping id, the waiters and the ids of the stanzas they wait for.
    private var waiting: [String: [(stanzas: [String], resume: Waiter)]] = [:]

    typealias Waiter = CheckedContinuation<[ServerHandling], Never>
    /// Ids of stanzas waited for that the server sent back as errors.
    private var bounced: Set<String> = []
    /// Stanzas waited for, by id, with their addresses (a bounce for anything else is none of ours).
    private var watched: [String: LateBounce] = [:]
    /// Stanzas lately settled as routed, for a bounce that comes after (`error(for:)`).
    private var lately = LatelyRouted()

    /// Notes a stanza written to `link` (`stanza`: its id and addresses); returns the ping id to
    /// wait for and, when the caller must write that ping after this tick's stanzas, true: it is
    /// new and no other ping is in flight on the link (otherwise `settle` hands it over once that
    /// one is answered).
    mutating func follow(_ stanza: LateBounce, on link: ObjectIdentifier, timeout: Duration) -> (ping: String, isNew: Bool) {
        watched[stanza.id] = stanza
        dueTimeout[link] = max(dueTimeout[link] ?? timeout, timeout)
        if let ping = due[link] { return (ping, false) }
        pings += 1
        let ping = "\(own)\(pings)"
        due[link] = ping
        return (ping, inFlight[link] == nil)
    }

    /// The link's due ping is being written: later stanzas need another, which waits for its answer.
    mutating func pingWritten(_ ping: String, on link: ObjectIdentifier) {
        if due[link] == ping { due[link] = nil; dueTimeout[link] = nil }
        inFlight[link] = ping
    }

    mutating func wait(for ping: String, stanzas: [String], _ resume: Waiter) {
        waiting[ping, default: []].append((stanzas, resume))
        waiters += 1
    }

    private var waiters = 0
    /// Whether as many sends wait as may (a server that stopped answering): more are not sent.
    var isFull: Bool { waiters >= Self.waiterLimit }

    /// What a message error that came back is to this component.
    enum ErrorMatch: Equatable {
        /// For a stanza waited for: it is counted as bounced.
        case waited
        /// For a stanza lately counted as routed: the bounce came too late to count (see `LateBounce`).
        case late(LateBounce)
        /// For no stanza of ours that we know of: perhaps another component's.
        case unknown
    }

    /// A message error came back for `stanza` (an id): if a send waits for it, it was bounced.
    @discardableResult
    mutating func error(for stanza: String) -> ErrorMatch {
        if watched[stanza] != nil {
            bounced.insert(stanza)
            return .waited
        }
        return lately.take(stanza).map(ErrorMatch.late) ?? .unknown
    }

    /// The server answered `ping` (or it will never be answered: `answered` false). Returns the
    /// waiters to resume, and with what; `next`: if it was its link's ping in flight, the ping
    /// due on that link since, for the caller to write now.
    mutating func settle(_ ping: String, answered: Bool)
        -> (resume: [(Waiter, [ServerHandling])], next: (ping: String, timeout: Duration, link: ObjectIdentifier)?)
    {
        var next: (ping: String, timeout: Duration, link: ObjectIdentifier)?
        if let link = inFlight.first(where: { $0.value == ping })?.key {
            inFlight[link] = nil
            if let due = due[link] { next = (due, dueTimeout[link] ?? .seconds(10), link) }
        }
        return (resumeWaiters(of: ping, answered: answered), next)
    }

    private mutating func resumeWaiters(of ping: String, answered: Bool) -> [(Waiter, [ServerHandling])] {
        let settled = waiting.removeValue(forKey: ping) ?? []
        waiters -= settled.count
        return settled.map { waiter in
            let handled = waiter.stanzas.map { stanza -> ServerHandling in
                let addressed = watched.removeValue(forKey: stanza)
                let wasBounced = bounced.remove(stanza) != nil
                let handling: ServerHandling = !answered ? .unknown : wasBounced ? .bounced : .routed
                if handling == .routed, let addressed { lately.add(addressed) }
                return handling
            }
            return (waiter.resume, handled)
        }
    }

    /// The link dropped: nothing on it will be answered. Returns the waiters to resume, every
    /// one with `.unknown` (pings in flight and those due alike).
    mutating func dropped(_ link: ObjectIdentifier) -> [(Waiter, [ServerHandling])] {
        inFlight[link] = nil
        due[link] = nil
        dueTimeout[link] = nil
        // A link is made only after the last one closed: every ping waited for was on this one.
        return Array(waiting.keys).flatMap { resumeWaiters(of: $0, answered: false) }
    }

    /// Whether an answer is waited for: the link must read on.
    var isWaiting: Bool { !waiting.isEmpty }
}

/// The stanzas a component lately counted as routed, so that a bounce of one that comes after
/// its ping's answer is known for what it is. Bounded: past `limit` the oldest are forgotten (a
/// late bounce comes within a relay's round trip, milliseconds to seconds).
struct LatelyRouted {
    private var order: [String] = []
    private var start = 0
    private var stanzas: [String: LateBounce] = [:]
    let limit: Int

    init(limit: Int = 20_000) {
        self.limit = max(limit, 1)
    }

    mutating func add(_ stanza: LateBounce) {
        guard stanzas.updateValue(stanza, forKey: stanza.id) == nil else { return }
        order.append(stanza.id)
        if order.count - start > limit {
            stanzas[order[start]] = nil
            start += 1
            // Drop the forgotten half at once rather than shift the array on every add.
            if start >= limit { order.removeFirst(start); start = 0 }
        }
    }

    /// The stanza with this id if it was lately routed, forgotten from then on (one bounce counts once).
    mutating func take(_ id: String) -> LateBounce? {
        stanzas.removeValue(forKey: id)
    }
}
