import Foundation
import Routing
import SwitchboardTesting
import Testing
import WidgetClient
import XMPP

/// What an agent's client sends beyond text reaches the widget: files as links, corrections as
/// edits of the line they name, and read marks (`seen`) for the visitor's lines.
@Suite(.serialized, .timeLimit(.minutes(3))) struct WebConversationExtrasTests {
    @Test func theWidgetGetsFilesEditsAndSeenMarks() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: TranscriptDownloadTests.workflow) { web in
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                _ = try await socket.next("session")
                try await socket.send(["type": "message", "id": "m1", "text": "My order is late"])
                let first = try await socket.next("the visitor's line") { $0.type == "message" && $0["from"] == "visitor" }
                let alice = try await web.agent("alice")
                let chat = try #require(try await alice.message("the offer", startingWith: "New chat").from)
                _ = try await socket.next("assigned")
                try await socket.send(["type": "message", "id": "m2", "text": "Order 4711"])
                let second = try await socket.next("the second line") { $0.type == "message" && $0["text"] == "Order 4711" }
                let relayed = try await alice.message("the relayed line", startingWith: "Order 4711")
                let ref = try #require(second["ref"])
                #expect(relayed.id == ref && first["ref"] != nil && first["ref"] != ref, "\(second) \(relayed.element)")
                // The agent's client is asked for read marks (XEP-0333): the widget shows "Seen".
                #expect(relayed.element.child("markable", namespace: Namespace.chatMarkers) != nil, "\(relayed.element)")

                var read = Message(to: chat)
                read.chatMarker = ChatMarker(.displayed, id: ref)
                try await alice.send(read)
                #expect(try await socket.next("seen")["ref"] == ref)

                try await alice.send(Message(to: chat, id: "a1", body: "Let me check"))
                let question = try await socket.next("Alice's line") { $0.type == "message" && $0["text"] == "Let me check" }
                var fix = Message(to: chat, id: "a2", body: "Let me check order 4711")
                fix.replacesID = "a1"
                try await alice.send(fix)
                let edit = try await socket.next("the correction") { $0.type == "message" && $0["from"] == "agent" && $0["replaces"] != nil }
                #expect(edit["replaces"] == question["ref"] && edit["text"] == "Let me check order 4711", "\(edit)")

                var file = Message(to: chat, id: "a3", body: "https://files.example.net/label.pdf")
                file.outOfBandURL = "https://files.example.net/label.pdf"
                try await alice.send(file)
                let link = try await socket.next("the file") { $0.type == "message" && $0["attachment.url"] != nil }
                #expect(link["attachment.url"] == "https://files.example.net/label.pdf" && link["attachment.name"] == "label.pdf")
            }
        }
    }
}
