import AgentProtocol
import XMPP

/// Presence sent to a queue's or a chat's address. Clients such as Gajim show an address that
/// never answers as offline and send it no chat states ("Contact not subscribed"), so a
/// subscription is answered (and one asked for in return, which those clients require before
/// they send chat states), and a probe is told whether the address is in use: a queue always,
/// a chat while it is offered to or held by the one asking.
struct AddressPresence: Sendable {
    let store: RoutingStore
    let outbox: Outbox

    func changed(_ presence: Presence, from: JID, address: ChatAddress, rules: RoutingRules) async throws {
        guard presence.type == .subscribe || presence.type == .probe else { return }
        let nick: String?
        switch address {
        case .queue(let name):
            nick = rules.queue(name)?.title
            if nick == nil {
                if presence.type == .subscribe { outbox.present(address, to: from.bare, type: .unsubscribed, rules: rules) }
                return
            }
        case .chat(let id):
            let record = try await store.chatRecord(id)
            let concerns = record?.agent == from.bare.description && (record?.state == .offered || record?.state == .active)
            guard concerns else {
                outbox.present(address, to: from.bare, type: presence.type == .subscribe ? .unsubscribed : .unavailable, rules: rules)
                return
            }
            nick = record?.name
        case .service:
            return
        }
        if presence.type == .subscribe {
            outbox.present(address, to: from.bare, type: .subscribed, rules: rules)
            outbox.present(address, to: from.bare, type: .subscribe, nick: nick, rules: rules)
        }
        outbox.present(address, to: presence.type == .probe ? from : from.bare, nick: nick, rules: rules)
    }
}
