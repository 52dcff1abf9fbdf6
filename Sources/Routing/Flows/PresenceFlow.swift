import AgentProtocol
import Logging
import XMPP

/// Presence to the service domain: agents' availability per resource, roster subscriptions, and
/// the resync after every join of the XMPP server. Presence to a queue's or a chat's address:
/// subscriptions answered, probes told whether it is online (`AddressPresence`).
struct PresenceFlow: Sendable {
    let store: RoutingStore
    let outbox: Outbox
    let pass: RoutingPass
    let alarm: TimerAlarm
    let logger: Logger

    func changed(_ presence: Presence, rules: RoutingRules) async throws {
        guard let from = presence.from, let to = presence.to, let address = ChatAddress(to, domain: rules.domain) else { return }
        guard address == .service else {
            try await AddressPresence(store: store, outbox: outbox).changed(presence, from: from, address: address, rules: rules)
            return
        }
        let service = try? JID(domain: rules.domain)
        guard let agent = rules.agents[from.bare.description] else {
            if presence.type == .subscribe { outbox.send(Presence(to: from.bare, from: service, type: .unsubscribed)) }
            return
        }
        let next: AgentPresence
        switch presence.type {
        case .subscribe:
            // Accept, and ask for theirs: an ordinary client then keeps us told of every change.
            outbox.send(Presence(to: from.bare, from: service, type: .subscribed))
            outbox.send(Presence(to: from.bare, from: service, type: .subscribe))
            outbox.present(.service, to: from.bare, rules: rules)
            return
        case .probe:
            outbox.present(.service, to: from, rules: rules)
            return
        case .available:
            next = switch presence.show {
            case nil, .chat: .available
            case .away: .away
            case .dnd: .dnd
            case .xa: .xa
            }
        case .unavailable:
            next = .offline
        case .subscribed, .unsubscribe, .unsubscribed, .error:
            return
        }
        // Each resource counts on its own: a phone going offline leaves the desktop's presence,
        // and an old session's late `unavailable` takes only that session away.
        let resource = from.resource ?? ""
        guard let now = try await store.setPresence(agent: agent.jid, resource: resource, next, grace: rules.settings.gracePeriod)
        else { return }
        await announce(agent.jid, now: now, resource: resource)
    }

    /// On joining the XMPP server: asks every agent's server for their presence (answered for
    /// agents with a roster subscription to the service) and shows the service's own presence
    /// (a console then says its availability again). Returns when the probes began, by Redis's clock.
    func probeAll(rules: RoutingRules) async throws -> Int64 {
        let since = try await store.clock()
        let service = try JID(domain: rules.domain)
        for jid in rules.agents.keys.sorted() {
            guard let agent = try? JID(jid) else { continue }
            outbox.send(Presence(to: agent, from: service, type: .probe))
            outbox.present(.service, to: agent, rules: rules)
        }
        logger.info("agents probed", metadata: ["agents": "\(rules.agents.count)"])
        return since
    }

    /// The end of the resync window: an agent's resources not heard from since the probes are gone.
    func settle(since: Int64, rules: RoutingRules) async throws {
        var changed = false
        for jid in rules.agents.keys.sorted() {
            guard let now = try await store.settlePresence(agent: jid, since: since, grace: rules.settings.gracePeriod) else {
                continue
            }
            changed = true
            await announce(jid, now: now, resource: nil)
        }
        if !changed { logger.info("presence resync: no change") }
    }

    private func announce(_ agent: String, now presence: AgentPresence, resource: String?) async {
        var metadata: Logger.Metadata = ["agent": "\(agent)", "presence": "\(presence.rawValue)"]
        if let resource { metadata["resource"] = "\(resource)" }
        logger.info("agent presence", metadata: metadata)
        if presence == .offline { alarm.wake() }
        if presence == .available {
            await pass.run()
            // Lines the server could not take while they were away (no session) go now.
            await pass.forwardOwed()
        }
    }
}
