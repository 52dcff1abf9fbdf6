import Foundation
import Redis
@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing

/// A visitor's lines in the order their client numbered them, whichever router stored them first
/// (`Lua/includes/visitorOrder.lua`): the transcript and the lines claimed for the agent.
@Suite struct VisitorOrderTests {
    /// An active chat of visitor `v@x` with agent `a`, its first line (id and text `first`) told in the history.
    static func activeChat(_ store: RoutingStore, first: String = "v-1") async throws -> String {
        let chat = try await says(store, first).chat
        try await store.available("a")
        let given = try await store.route(RoutingScriptTests.plan("sales", [.init(jid: "a", capacity: 2)]))
        #expect(given.map(\.state) == [.active])
        _ = try await store.takeHistory(chat)
        return chat
    }

    /// The visitor's line with `id` as its message id and its text.
    static func says(_ store: RoutingStore, _ id: String) async throws -> Enqueued {
        try await store.enqueue(queue: "sales", visitor: "v@x", name: "Vi", channel: .xmpp, message: id, messageID: id)
    }

    static func confirm(_ store: RoutingStore, _ chat: String, _ claimed: ClaimedLines) async throws {
        _ = try await store.confirmSent(chat: chat, agent: "a", sent: claimed.upTo, claimed: claimed.upTo)
    }

    @Test func aLineAheadOfTheOneBeforeItIsHeldThenPlacedRightAfterIt() async throws {
        try await withStore { store, _ in
            let chat = try await Self.activeChat(store)
            let third = try await Self.says(store, "v-3")
            #expect(third.messageStored && third.lineHeld && third.unsent.upTo == 0, "kept (its receipt goes), not yet passed on")
            #expect(try await Self.says(store, "v-3").messageStored == false, "a resend of a held line is a duplicate")
            let second = try await Self.says(store, "v-2")
            #expect(!second.lineHeld && second.unsent.lines.map(\.text) == ["v-2", "v-3"], "the agent gets both, in order")
            #expect(try await store.transcript(chat).map(\.text) == ["v-1", "v-2", "v-3"])
            try await Self.confirm(store, chat, second.unsent)
            let fourth = try await Self.says(store, "v-4")
            #expect(!fourth.lineHeld && fourth.unsent.lines.map(\.text) == ["v-4"])
            #expect(try await store.chat(chat)?.keys.contains { $0.hasPrefix("held") } == false, "nothing is held any more")
        }
    }

    @Test func aHeldLineWhosePredecessorNeverComesIsPlacedOnceItsHoldLapses() async throws {
        try await withStore { store, _ in
            let chat = try await Self.activeChat(store)
            #expect(try await Self.says(store, "v-3").lineHeld)
            #expect(try await Self.says(store, "v-4").lineHeld, "held behind the held line before it")
            try await poll(.seconds(60), "the hold timer to be due", every: .milliseconds(20)) {
                try await store.dueTimers().due.contains(ChatTimer.hold(chat: chat).member)
            }
            let placed = try await store.placeHeldLines(chat: chat, claiming: .hold(chat: chat))
            #expect(placed.due && placed.agent == "a" && placed.name == "Vi")
            #expect(placed.unsent.lines.map(\.text) == ["v-3", "v-4"])
            #expect(try await !store.placeHeldLines(chat: chat, claiming: .hold(chat: chat)).due, "the timer acts once")
            try await Self.confirm(store, chat, placed.unsent)
            // The line before comes after all (its router was slow, not dead): it is passed on, once.
            let late = try await Self.says(store, "v-2")
            #expect(!late.lineHeld && late.unsent.lines.map(\.text) == ["v-2"])
            #expect(try await Self.says(store, "v-2").messageStored == false)
            #expect(try await store.transcript(chat).map(\.text) == ["v-1", "v-3", "v-4", "v-2"], "as the agent was shown them")
        }
    }

    @Test func zeroPaddedCountersKeepTheirOrder() async throws {
        try await withStore { store, _ in
            let chat = try await Self.activeChat(store, first: "x_01")
            for number in 2...9 { #expect(try await !Self.says(store, "x_0\(number)").lineHeld) }
            #expect(try await Self.says(store, "x_11").lineHeld)
            #expect(try await !Self.says(store, "x_10").lineHeld, "x_09 came before it")
            #expect(try await store.transcript(chat).map(\.text) == (1...9).map { "x_0\($0)" } + ["x_10", "x_11"])
        }
    }

    /// A chat's first line may be ahead of the one before it too (another router opens the chat
    /// with it): it is held like any other.
    @Test func aChatsFirstLineWaitsForTheOneBeforeIt() async throws {
        try await withStore { store, _ in
            let opened = try await Self.says(store, "v-2")
            #expect(opened.created && opened.lineHeld)
            #expect(try await !Self.says(store, "v-1").lineHeld)
            #expect(try await store.transcript(opened.chat).map(\.text) == ["v-1", "v-2"])
        }
    }

    /// Ids that carry no order (UUIDs, digits after a letter, digits only) or too long a counter
    /// are placed as they come.
    @Test func idsWithoutACounterArePlacedAsTheyCome() async throws {
        try await withStore { store, _ in
            let chat = try await Self.activeChat(store)
            let ids = ["1f0e7c3a-9b2d-4e5f-8a6b-7c8d9e0fab12", "m7", "1733456789123", "v-1234567890123456", UUID().uuidString + "x"]
            for id in ids { #expect(try await !Self.says(store, id).lineHeld, "\(id)") }
            #expect(try await store.transcript(chat).map(\.text) == ["v-1"] + ids)
        }
    }

    /// At most 32 lines are held per chat; after 3 lapsed holds the chat's client is taken to
    /// skip numbers, and nothing more is held there.
    @Test func holdsAreBounded() async throws {
        try await withStore { store, redis in
            let chat = try await Self.activeChat(store)
            for number in 0..<32 { #expect(try await Self.says(store, "p\(number)-5").lineHeld) }
            #expect(try await !Self.says(store, "p32-5").lineHeld, "the 33rd is placed at once")
            let other = try await store.enqueue(queue: "billing", visitor: "w@x", name: "Wu", channel: .xmpp).chat
            _ = try await redis.send("HSET", store.keys.chat(other), "hold_lapses", "3")
            let skipped = try await store.enqueue(
                queue: "billing", visitor: "w@x", name: "Wu", channel: .xmpp, message: "w-7", messageID: "w-7")
            #expect(skipped.messageStored && !skipped.lineHeld)
            #expect(try await store.transcript(chat).count == 2)
        }
    }

    @Test func closingKeepsTheHeldLines() async throws {
        try await withStore { store, _ in
            let chat = try await Self.activeChat(store)
            #expect(try await Self.says(store, "v-3").lineHeld)
            #expect(try await store.close(chat: chat, by: .visitor) == .done("active"))
            #expect(try await store.transcript(chat).map(\.text) == ["v-1", "v-3"])
            let fields = try #require(try await store.chat(chat))
            #expect(!fields.keys.contains { $0.hasPrefix("held") })
        }
    }
}
