import Foundation
import Redis
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// The audit log through Prosody, Redis and the router: each agent's and supervisor's action on a
/// chat appends one entry (actor, action, chat, time), written by the script that does the action.
@Suite struct AuditLiveTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: sales
            skills: [sales]
            accept: manual
            offer_timeout: 5m
        agents:
          - { jid: alice@localhost, name: Alice, skills: { sales: 5 }, max_chats: 5 }
          - { jid: bob@localhost, name: Bob, skills: { sales: 5 }, max_chats: 5 }
          - { jid: carol@localhost, name: Carol, role: supervisor }
        canned:
          thanks: "Thank you!"
        """

    /// The audit log's entries, oldest first, without their ids and times.
    static func entries(_ live: LiveRouter) async throws -> [AuditLine] {
        let reply = try await live.redis.send("XRANGE", live.store.keys.audit, "-", "+")
        return (reply.array ?? []).compactMap(streamEntry).map { _, fields in
            #expect(Int64(fields["ts"] ?? "") ?? 0 > 1_700_000_000_000, "each entry has its time in ms: \(fields)")
            return AuditLine(fields["actor"] ?? "", fields["action"] ?? "", fields["chat"] ?? "", fields["to_queue"] ?? fields["to_agent"] ?? fields["presence"])
        }
    }

    @Test func everyActionOnAChatIsAudited() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "bob", "carol", "visitor1"]), rules: Self.workflow(Self.yaml)) {
            (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let visitor = try await live.connect("visitor1")
            try await visitor.send(Message(to: try live.address("sales"), body: "Where is my parcel?"))
            let chatAddress = try #require(try await alice.offer("the offer to Alice").from)
            let chat = try #require(chatAddress.chatID)
            try await alice.send(Message(to: chatAddress, body: "/decline"))
            _ = try await alice.message("the decline", startingWith: "Declined")
            // Nobody else is free: the chat is offered to her again, and she takes it.
            _ = try await alice.offer("the offer again")
            try await alice.send(Message(to: chatAddress, body: "/accept"))
            _ = try await alice.message("the acceptance", startingWith: "Accepted")
            try await alice.send(Message(to: chatAddress, body: "/note checked the depot"))
            _ = try await alice.message("the note", startingWith: "Noted")
            try await alice.send(Message(to: chatAddress, body: "/canned thanks"))
            _ = try await visitor.message("the canned reply", startingWith: "Thank you!")
            try await alice.send(Message(to: chatAddress, body: "an ordinary line"))
            _ = try await visitor.message("the ordinary line", startingWith: "an ordinary line")

            let carol = try await live.connect("carol")
            let service = try JID(domain: live.domain)
            try await carol.send(Message(to: service, body: "/monitor \(chat)"))
            _ = try await carol.message("the monitoring", startingWith: "Monitoring")
            try await carol.send(Message(to: service, body: "/whisper \(chat) offer a voucher"))
            _ = try await carol.message("the whisper's confirmation", startingWith: "Whispered")

            let bob = try await live.agent("bob")
            try await alice.send(Message(to: chatAddress, body: "/transfer bob@localhost"))
            _ = try await alice.message("the transfer", startingWith: "Transferred")
            _ = try await bob.offer("the offer to Bob")
            try await bob.send(Message(to: chatAddress, body: "/accept"))
            _ = try await bob.message("Bob's acceptance", startingWith: "Accepted")
            try await bob.send(Message(to: chatAddress, body: "/close"))
            _ = try await bob.message("the close", startingWith: "Closed")

            let all = try await Self.entries(live)
            #expect(all.filter { $0.action != "presence" } == [
                AuditLine("alice@localhost", "decline", chat), AuditLine("alice@localhost", "accept", chat),
                AuditLine("alice@localhost", "note", chat), AuditLine("alice@localhost", "canned", chat),
                AuditLine("carol@localhost", "monitor", chat), AuditLine("carol@localhost", "whisper", chat),
                AuditLine("alice@localhost", "transfer", chat, "bob@localhost"), AuditLine("bob@localhost", "accept", chat),
                AuditLine("bob@localhost", "close", chat),
            ], "an ordinary line is not audited")
            let presence = all.filter { $0.action == "presence" }
            #expect(presence.contains(AuditLine("alice@localhost", "presence", "", "available")))
            #expect(presence.contains(AuditLine("bob@localhost", "presence", "", "available")))

            // An agent going away is audited as they change, with what they changed to: by the
            // script that emits the presence event, so once the event is there, so is the entry.
            try await bob.send(Presence(to: service, show: .away))
            _ = try await live.event("bob's away") { $0["type"] == "presence" && $0["agent"] == "bob@localhost" && $0["presence"] == "away" }
            #expect(try await Self.entries(live).last == AuditLine("bob@localhost", "presence", "", "away"))
        }
    }

    @Test func theAuditLogIsTrimmedByTime() async throws {
        try await withStore { store, redis in
            _ = try await redis.send("XADD", store.keys.audit, "1000-0", "actor", "old@localhost", "action", "accept", "chat", "1")
            try await store.audit(actor: "ops", .reload)
            store.keepAuditLog(for: .seconds(86_400))
            #expect(try await store.trimAuditLog() == 1)
            let left = (try await redis.send("XRANGE", store.keys.audit, "-", "+").array ?? []).compactMap(streamEntry)
            #expect(left.map { $0.fields["actor"] } == ["ops"])
            #expect(left.first?.fields["action"] == "reload")
        }
    }
}

/// An audit entry as a test compares it.
struct AuditLine: Equatable, CustomStringConvertible {
    var actor: String, action: String, chat: String, detail: String?
    init(_ actor: String, _ action: String, _ chat: String, _ detail: String? = nil) {
        (self.actor, self.action, self.chat, self.detail) = (actor, action, chat, detail)
    }
    var description: String { "\(actor) \(action) \(chat) \(detail ?? "")" }
}
