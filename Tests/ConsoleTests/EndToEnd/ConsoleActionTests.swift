import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

extension ConsoleEndToEnd {
    /// The console's actions end to end: transfer, presence, decline, canned replies with
    /// completion, visitor details.
    @Suite struct ConsoleActionTests: LiveRouterSuite {
        @Test func aTransferMovesTheChatAndBothSidesSeeIt() async throws {
            try await ConsoleLiveTests.withConsole { live, pane in
                let bob = try await live.agent("bob")
                let visitor = try await ConsoleLiveTests.chatAccepted(live, pane, visitor: "visitor1", first: "I need support")
                try await pane.type("/transfer bob@")
                // The transfer targets are learnt from the router after the chat came: Tab until they are.
                try await poll(.seconds(30), "the target completed", every: .milliseconds(500), until: {
                    try await pane.press("Tab")
                    return try await pane.screen().contains { $0.contains("/transfer bob@localhost") }
                })
                try await pane.press("Enter")
                try await pane.waitFor(text: "closed: transferred to bob@localhost")
                try await pane.waitFor(text: "Transferred to bob@localhost.")
                _ = try await visitor.message("the visitor told", startingWith: "You are being transferred")
                let offer = try await bob.offer("Bob's offer")
                #expect(offer.body?.contains("I need support") == true, "the transcript goes along")
            }
        }

        @Test func awayStopsNewOffersAndAvailableBringsThem() async throws {
            try await ConsoleLiveTests.withConsole { live, pane in
                try await pane.press("M-p")
                try await pane.waitFor(text: "alice@localhost │ away")
                _ = try await live.event("Alice away") { $0["type"] == "presence" && $0["presence"] == "away" }
                let visitor = try await live.connect("visitor1")
                try await visitor.send(Message(to: try live.address("sales"), body: "Anyone?"))
                _ = try await live.event("the chat queued") { $0["type"] == "queued" }
                // The queue summary (asked every few seconds) shows the chat waiting, and no offer came.
                let screen = try await pane.waitFor(text: "waiting sales 1")
                #expect(!screen.contains { $0.contains("New chat") })
                #expect(try await live.events().contains { $0["type"] == "offered" } == false)

                try await pane.enter("/available")
                try await pane.waitFor(text: "New chat")
                try await pane.waitFor(text: "alice@localhost │ available")
            }
        }

        @Test func declineCannedRepliesAndVisitorDetails() async throws {
            try await ConsoleLiveTests.withConsole { live, pane in
                // Bob takes what Alice declines (else the router offers it to her again).
                let bob = try await live.agent("bob")
                let first = try await live.connect("visitor2")
                try await first.send(Message(to: try live.address("sales"), body: "Declined soon"))
                try await pane.waitFor(text: "New chat")
                try await pane.press("M-d")
                try await pane.waitFor(text: "closed: declined")
                _ = try await live.event("the decline") { $0["type"] == "declined" }
                _ = try await bob.offer("the chat offered to Bob")

                let visitor = try await ConsoleLiveTests.chatAccepted(live, pane, visitor: "visitor1", queue: "support")
                try await pane.type("/canned gr")
                try await pane.press("Tab")
                try await pane.waitFor(text: "/canned greeting")
                try await pane.press("Enter")
                let canned = try await visitor.message("the canned reply", startingWith: "Hello")
                #expect(canned.body == "Hello visitor1, I'm Alice.")
                try await pane.waitFor(text: "me: [greeting] Hello {visitor}, I'm {agent}.")

                try await pane.press("M-w")
                try await pane.waitFor(text: "Visitor visitor1 (visitor1@localhost), queue support")
            }
        }

        @Test func chatsSwitchAndShowWhatIsUnread() async throws {
            try await ConsoleLiveTests.withConsole { live, pane in
                let first = try await ConsoleLiveTests.chatAccepted(live, pane, visitor: "visitor1", queue: "support")
                let second = try await live.connect("visitor2")
                try await second.send(Message(to: try live.address("support"), body: "Me too"))
                try await pane.waitFor(text: "*2 visitor2 support")
                try await pane.press("C-n")
                var screen = try await pane.waitFor(text: "chat 2 · visitor2 · support · active")
                #expect(screen.contains { $0.contains("(earlier) visitor2: Me too") })
                #expect(screen.contains { $0.hasPrefix(" 2 visitor2 support") }, "read now")
                try await first.send(Message(to: try live.address("support"), body: "Hello again"))
                try await pane.waitFor(text: "*1 visitor1 support")
                try await pane.press("M-1")
                screen = try await pane.waitFor(text: "visitor1: Hello again")
                #expect(screen[1].contains("chat 1 · visitor1"))
                try await pane.enter("Answer to one")
                #expect(try await first.message("the answer", startingWith: "Answer").body == "Answer to one")
            }
        }
    }
}
