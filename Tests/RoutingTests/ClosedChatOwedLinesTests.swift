import Redis
@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing

/// A visitor's line is kept (receipted) while the agent's link is down (the XMPP server
/// restarting), and the visitor, hearing nothing, ends the chat. A fault run saw such a line
/// never reach the agent: lines owed were passed on only for active chats, and the close took
/// the chat out of those; the agent's "The visitor ended the chat." went while links were down.
@Suite(.serialized) struct ClosedChatOwedLinesTests {
    static let notice = "[router] The visitor ended the chat."

    @Test func aLineKeptWhileTheAgentWasAwayReachesThemAfterTheVisitorEnded() async throws {
        try await AnnounceSweepTests.withRouterAndAlice { rig in
            let first = try await rig.store.enqueue(queue: "help", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                                    message: "first", messageID: "o1", lineOrderHold: .zero)
            try await poll(.seconds(60), "the first line at the agent", every: .milliseconds(50)) { await rig.inbox.hasSeen(["first"]) }
            // Kept and claimed by a router that could not send it (the agent's link was down).
            let claimed = try await rig.store.enqueue(queue: "help", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                                      message: "second", messageID: "o2", lineOrderHold: .zero)
            #expect(claimed.unsent.lines.map(\.text) == ["second"])
            // The visitor waited, then ended the chat.
            #expect(try await rig.store.close(chat: first.chat, by: .visitor) == .done("active"))
            try await poll(.seconds(60), "the owed line and the close notice at the agent", every: .milliseconds(50)) {
                await rig.inbox.hasSeen(["second", Self.notice])
            }
            let order = await rig.inbox.shownInOrder
            #expect((order.firstIndex(of: "second") ?? .max) < (order.firstIndex(of: Self.notice) ?? -1), "\(order)")
            #expect(await rig.inbox.counts["second"] == 1)
            try await poll(.seconds(60), "the mark gone", every: .milliseconds(50)) {
                try await rig.redis.send("ZCARD", rig.store.keys.owedClosedChats).number() == 0
            }
        }
    }
}
