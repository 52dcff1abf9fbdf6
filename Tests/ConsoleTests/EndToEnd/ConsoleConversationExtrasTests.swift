import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

extension ConsoleEndToEnd {
    /// Corrections (XEP-0308) and read marks (XEP-0333) as the agent sees them in the console,
    /// from a real visitor client through Prosody and the router; the console marks the visitor's
    /// lines it shows.
    @Suite struct ConsoleConversationExtrasTests: LiveRouterSuite {
        @Test func aVisitorsCorrectionReplacesTheLineAndTheAgentsLinesShowSeen() async throws {
            try await ConsoleLiveTests.withConsole(width: 120) { live, pane in
                let visitor = try await ConsoleLiveTests.chatAccepted(live, pane, visitor: "visitor1", queue: "support")
                let support = try live.address("support")
                var typo = Message(to: support, id: "v2", body: "I ordred a chair")
                typo.requestMarkers()
                try await visitor.send(typo)
                try await pane.waitFor(text: "visitor1: I ordred a chair")
                // The chat is on screen: the visitor's client hears that Alice saw the line.
                let shown = try await visitor.next("Alice's read mark") { stanza -> ChatMarker? in
                    if case .message(let message) = stanza { message.chatMarker } else { nil }
                }
                #expect(shown == ChatMarker(.displayed, id: "v2"))

                var fixed = Message(to: support, id: "v3", body: "I ordered a chair")
                fixed.replacesID = "v2"
                try await visitor.send(fixed)
                let screen = try await pane.waitFor(text: "visitor1: I ordered a chair (edited, was: I ordred a chair)")
                #expect(!screen.contains { $0.contains("visitor1: I ordred a chair") }, "the line is replaced, not repeated")

                try await pane.enter("Which one?")
                let question = try await visitor.message("Alice's question", startingWith: "Which one?")
                #expect(question.element.child("markable", namespace: Namespace.chatMarkers) != nil, "the console asks for read marks")
                try await pane.enter("The red or the blue one?")
                _ = try await visitor.message("Alice's second question", startingWith: "The red")
                // The visitor's client showed the first line: it is seen, the second not yet.
                var read = Message(to: support)
                read.chatMarker = ChatMarker(.displayed, id: try #require(question.id))
                try await visitor.send(read)
                let seen = try await pane.waitFor(text: "me: Which one? ✓ seen")
                #expect(!seen.contains { $0.contains("The red or the blue one? ✓ seen") })
            }
        }
    }
}
