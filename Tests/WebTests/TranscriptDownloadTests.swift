import Foundation
import Routing
import SwitchboardTesting
import Testing
import WidgetClient
import XMPP

/// "Download transcript": the web visitor's chat as a plain-text file, by session token only.
@Suite(.serialized, .timeLimit(.minutes(3))) struct TranscriptDownloadTests {
    static let workflow = """
        queues:
          - { name: support, title: Support, skills: [support] }
        agents:
          - { jid: alice@localhost, name: Alice Agent, skills: { support: 5 } }
        """

    @Test func theVisitorDownloadsTheirChatWithoutNotesAndNobodyElseCan() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow) { web in
            let token = try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                let token = try #require(try await socket.next("session")["token"])
                try await socket.send(["type": "message", "id": "m1", "text": "Where is my parcel?"])
                _ = try await socket.next("queued")
                let alice = try await web.agent("alice")
                let chat = try #require(try await alice.message("the offer", startingWith: "New chat").from)
                _ = try await socket.next("assigned")
                try await alice.send(Message(to: chat, body: "/note customer sounds upset"))
                _ = try await alice.message("the note kept", startingWith: "Noted")
                try await alice.send(Message(to: chat, body: "It left our depot today."))
                _ = try await socket.next("an agent line") { $0.type == "message" && $0["from"] == "agent" }
                try await alice.send(Message(to: chat, body: "/close"))
                _ = try await socket.next("closed")
                return token
            }

            let download = try await PlainHTTP.request("POST", port: web.port, path: "/transcript", body: Data("token=\(token)".utf8))
            #expect(download.status == 200, "\(download.headers)")
            #expect(download.headers.lowercased().contains("content-disposition: attachment"))
            #expect(download.headers.lowercased().contains("x-content-type-options: nosniff"))
            #expect(download.headers.lowercased().contains("content-type: text/plain"))
            #expect(download.body.contains("You: Where is my parcel?") && download.body.contains("Alice Agent: It left our depot today."),
                    "\(download.body)")
            #expect(!download.body.contains("upset"), "notes never reach the visitor")

            let json = try await PlainHTTP.request("POST", port: web.port, path: "/transcript", body: Data(#"{"token":"\#(token)"}"#.utf8))
            #expect(json.status == 200 && json.body == download.body)

            for body in ["", "token=", "token=\(String(repeating: "ab", count: 32))", "token=../../etc/passwd", #"{"token":1}"#] {
                let refused = try await PlainHTTP.request("POST", port: web.port, path: "/transcript", body: Data(body.utf8))
                #expect(refused.status == 401 && !refused.body.contains("parcel"), "\(body): \(refused.status)")
            }
            let huge = try await PlainHTTP.request(
                "POST", port: web.port, path: "/transcript", body: Data(String(repeating: "x", count: 4096).utf8))
            #expect(huge.status == 413)
            #expect(try await PlainHTTP.get(port: web.port, path: "/transcript?token=\(token)").status != 200, "never by URL")
        }
    }
}
