import AgentProtocol
import Redis
@testable import Routing
import Testing

/// `sentBackLate-4.lua` on real Redis: what a router makes of an offer or a visitor line the XMPP
/// server sent back after the router counted it as taken (`LateBounces`).
@Suite struct SentBackLateTests {
    /// A chat given to `a` and told (with `hello` in its history); returns it and its `offered_at`.
    static func toldChat(_ store: RoutingStore, _ redis: RedisClient) async throws -> (chat: String, given: String) {
        try await store.available("a")
        let chat = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "hello",
                                           relay: RelayDetail(id: "sb-l1")).chat
        #expect(try await store.route(RoutingPlanStorageTests.plan(["a"])).map(\.chat) == [chat])
        _ = try #require(try await store.takeHistory(chat))
        try await store.markAnnounced(chat)
        return (chat, try #require(try await redis.send("HGET", store.keys.chat(chat), "offered_at").string))
    }

    @Test func anOfferOfTheSameAssignmentIsUntoldAndNoOther() async throws {
        try await withStore { store, redis in
            let (chat, given) = try await Self.toldChat(store, redis)
            #expect(try await store.sentBackLate(offerOf: chat, given: "1", to: "a") == .nothing, "an earlier assignment's")
            #expect(try await store.sentBackLate(offerOf: chat, given: given, to: "b") == .nothing, "to another agent")
            #expect(try await store.isAnnounced(chat))
            #expect(try await store.sentBackLate(offerOf: chat, given: given, to: "a") == .owedAgain)
            #expect(try await store.isAnnounced(chat) == false)
            #expect(try await store.leftovers(agents: ["a"]).unannounced.map(\.chat) == [chat], "the sweep tells it again")
        }
    }

    /// The bounce can be read before its sender marked the offer told: while the sender holds the
    /// right to announce, not yet; once it gave the right back unmarked (it counted the bounce
    /// itself), nothing to do.
    @Test func anOfferNotYetMarkedToldIsTriedAgain() async throws {
        try await withStore { store, redis in
            let (chat, given) = try await Self.toldChat(store, redis)
            _ = try await redis.send("HSET", store.keys.chat(chat), "announced", "0")
            #expect(try await store.claimAnnouncement(chat))
            #expect(try await store.sentBackLate(offerOf: chat, given: given, to: "a") == .notYet)
            try await store.releaseAnnouncement(chat)
            #expect(try await store.sentBackLate(offerOf: chat, given: given, to: "a") == .nothing)
        }
    }

    @Test func aConfirmedLineIsOwedAgainWithThoseAfterIt() async throws {
        try await withStore { store, redis in
            let (chat, _) = try await Self.toldChat(store, redis)
            // Lines 2 and 3 claimed as they are stored, sent and confirmed.
            for (number, id) in [(2, "sb-l2"), (3, "sb-l3")] {
                let claimed = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "line \(number)",
                                                      relay: RelayDetail(id: id), lineOrderHold: .zero).unsent
                #expect(claimed.upTo == number)
                #expect(try await store.confirmSent(chat: chat, agent: "a", sent: number, claimed: number).upTo == 0)
            }
            #expect(try await store.sentBackLate(line: "sb-l2", of: chat, to: "b") == .nothing, "sent to another agent")
            #expect(try await store.sentBackLate(line: "sb-nope", of: chat, to: "a") == .nothing, "no such line")
            #expect(try await store.sentBackLate(line: "sb-l2", of: chat, to: "a") == .owedAgain)
            let again = try await store.claimUnsent(chat)
            #expect(again.lines.map(\.text) == ["line 2", "line 3"])
            // Claimed again and not yet confirmed: a bounce of it now is for the sender to count, later.
            #expect(try await store.sentBackLate(line: "sb-l3", of: chat, to: "a") == .notYet)
            #expect(try await store.confirmSent(chat: chat, agent: "a", sent: 3, claimed: 3).upTo == 0)
            #expect(try await store.sentBackLate(line: "sb-l3", of: chat, to: "a") == .owedAgain)
            #expect(try await store.claimUnsent(chat).lines.map(\.text) == ["line 3"])
        }
    }

    /// A line of a chat the visitor has ended since: its agent is passed it, then told of the close again.
    @Test func aLineOfAChatClosedSinceMarksItOwed() async throws {
        try await withStore { store, redis in
            let (chat, _) = try await Self.toldChat(store, redis)
            _ = try await store.enqueue(queue: "sales", visitor: "v1", name: "", channel: .xmpp, message: "line 2",
                                        relay: RelayDetail(id: "sb-l2"), lineOrderHold: .zero)
            _ = try await store.confirmSent(chat: chat, agent: "a", sent: 2, claimed: 2)
            #expect(try await store.close(chat: chat, by: .visitor) == .done("active"))
            #expect(try await store.owedClosedChats().isEmpty)
            #expect(try await store.sentBackLate(line: "sb-l2", of: chat, to: "a") == .owedAgain)
            #expect(try await store.owedClosedChats() == [chat])
            #expect(try await store.claimUnsent(chat).lines.map(\.text) == ["line 2"])
        }
    }
}
