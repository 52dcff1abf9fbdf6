import Routing
import SwitchboardTesting
import Testing

/// The widget's `end` carries one id per chat (`end-CHAT`): a copy of it handled late (a router
/// stalled through a Redis failover, the web service asked again) ends no chat the visitor
/// opened since, through the router in the web service's process or beside it.
@Suite(.serialized, .timeLimit(.minutes(3))) struct WebVisitorEndTests {
    static let workflow = """
        queues:
          - { name: support, title: Support, skills: [support] }
        agents:
          - { jid: alice@localhost, name: Alice, skills: { support: 5 } }
        """

    @Test(arguments: [false, true]) func aLateCopyOfAWidgetsEndDoesNotEndTheNextChat(beside: Bool) async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow, beside: beside) { web in
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                try await socket.next("session")
                try await Self.kept("a", "first question", on: socket)
                try await socket.send(["type": "end", "id": "end-1"])
                try await socket.next("closed")

                try await Self.kept("b", "second question", on: socket)
                let next = try #require(try await web.openChats().first)
                try await socket.send(["type": "end", "id": "end-1"])
                // One socket's frames are handled in order: once this line is kept, the copy was handled.
                try await Self.kept("c", "still there?", on: socket)
                #expect(try await web.openChats() == [next], "the copy ended chat \(next)")
                #expect(try await web.store.transcript(next).map(\.text) == ["second question", "still there?"])
            }
        }
    }

    static func kept(_ id: String, _ text: String, on socket: WebSocketClient) async throws {
        try await socket.send(["type": "message", "id": id, "text": text])
        _ = try await socket.next("the receipt of \(id)") { $0.type == "received" && $0["id"] == id }
    }
}
