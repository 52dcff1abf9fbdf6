import Routing
import SwitchboardTesting
import Testing
import XMPP

/// A queue's bot on the web channel (the FAQ bot of `examples/faq-bot`): its reply reaches the
/// widget as a line from the bot, and a request for a person puts the chat in line, offered to
/// the agent with the bot's part.
@Suite(.serialized, .timeLimit(.minutes(3))) struct BotWebTests {
    static let secret = "web-bot-secret"

    /// `beside`: the web service runs on its own and reaches the router through Redis.
    @Test(arguments: [false, true]) func theBotAnswersAWebVisitorThenHandsOver(beside: Bool) async throws {
        try await FAQBot.with(secret: Self.secret) { url in
            let workflow = """
                queues:
                  - name: support
                    title: Support
                    bot: { url: "\(url)", secret: "\(Self.secret)", timeout: 1m }
                agents:
                  - jid: alice@localhost
                    name: Alice
                """
            try await WebHarness.with(accounts: ["alice"], workflow: workflow, beside: beside) { web in
                let alice = try await web.availableAgent("alice")
                try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                    try await socket.send(["type": "hello", "queue": "support"])
                    try await socket.next("session")
                    try await socket.send(["type": "message", "id": "m1", "text": "How long does delivery take?"])
                    let reply = try await socket.next("the bot's line") { $0["text"]?.hasPrefix("Orders ship within") == true }
                    #expect(reply.type == "message" && reply["from"] == "agent" && reply["agent"] == "Support assistant", "\(reply)")

                    try await socket.send(["type": "message", "id": "m2", "text": "Can I talk to a human?"])
                    _ = try await socket.next("the bot's last word") { $0["text"]?.hasPrefix("I'll pass you to a colleague") == true }
                    let offer = try await alice.message("the offer", startingWith: "New chat")
                    #expect(offer.body?.contains("[bot] Support assistant: Orders ship within") == true, "\(offer.body ?? "")")
                    _ = try await socket.next("the agent's name") { $0.type == "assigned" }
                }
            }
        }
    }
}
