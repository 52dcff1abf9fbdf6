import Logging
import XMPP

/// Presence to the service domain: agents' availability, and roster subscriptions.
struct PresenceFlow: Sendable {
    let store: RoutingStore
    let outbox: Outbox
    let pass: RoutingPass
    let alarm: TimerAlarm
    let logger: Logger

    func changed(_ presence: Presence, rules: RoutingRules) async throws {
        guard let from = presence.from, let to = presence.to, to.domain == rules.domain, to.local == nil else { return }
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
            outbox.send(Presence(to: from.bare, from: service))
            return
        case .probe:
            outbox.send(Presence(to: from, from: service))
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
        guard try await store.setPresence(agent: agent.jid, next, grace: rules.settings.gracePeriod) else { return }
        if next == .offline { alarm.wake() }
        logger.info("agent presence", metadata: ["agent": "\(agent.jid)", "presence": "\(next.rawValue)"])
        if next == .available { await pass.run() }
    }
}
