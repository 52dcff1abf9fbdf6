import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import Workflow
import XMPP

/// A queue's bot on a live router (Prosody, Redis, our XMPP clients, a bot on loopback): its
/// reply reaches the visitor and the transcript; a handoff to another queue, a bot that stays
/// silent, fails or answers nonsense each put the chat in line at once, the bot's part in the
/// offer; a router killed mid-call leaves a timer that the next router fires.
@Suite struct BotLiveTests: LiveRouterSuite {
    static let secret = "bot-secret"

    /// `front`'s bot has the longest timeout, so on a loaded machine an answer is never taken for
    /// silence; only `quick`'s bot, which the test makes silent, times out.
    static func yaml(bot: BotServer) -> String {
        """
        queues:
          - name: front
            title: Front desk
            skills: [front]
            bot: { url: "\(bot.url)", secret: "\(secret)", timeout: 1m }
          - name: quick
            skills: [front]
            bot: { url: "\(bot.url)", secret: "\(secret)", timeout: 2s }
          - name: billing
            skills: [billing]
        agents:
          - { jid: ben@localhost, name: Ben, skills: { front: 5 }, max_chats: 5 }
          - { jid: bill@localhost, name: Bill, skills: { billing: 5 } }
        """
    }

    /// What the test bot says to each text.
    static let answers: @Sendable (String) -> BotServer.Answer = { text in
        switch text {
        case "When do you open?": .json(#"{"reply": "We open at 9.", "handoff": false}"#)
        case "My invoice is wrong": .json(#"{"handoff": true, "queue": "billing", "reply": "Passing you to billing."}"#)
        case "Are you there?": .silent
        case "Break please": .status(500)
        case "Say nonsense": .json(#"{"reply": 42}"#)
        default: .json(#"{"reply": "I did not get that."}"#)
        }
    }

    /// The next message with a body starting with `prefix`, waited for generously.
    static func message(_ client: XMPPClient, _ what: String, startingWith prefix: String) async throws -> Message {
        let stanzas = client.stanzas
        return try await within(.seconds(60), what) {
            for try await stanza in stanzas {
                if case .message(let message) = stanza, message.body?.hasPrefix(prefix) == true { return message }
            }
            throw TimedOut(what: "\(what) (the session ended)")
        }
    }

    @Test func theBotRepliesThenHandsOverToAnotherQueueWithItsPartInTheOffer() async throws {
        try await BotServer.with(Self.answers) { bot in
            try await Self.withRouter(accounts: Self.accounts(["bill", "visitor1"]), rules: Self.workflow(Self.yaml(bot: bot))) {
                (live: LiveRouter) in
                let bill = try await live.agent("bill")
                let visitor = try await live.connect("visitor1")
                let front = try live.address("front")
                try await visitor.send(Message(to: front, body: "When do you open?"))
                let reply = try await Self.message(visitor, "the bot's reply", startingWith: "We open at 9.")
                #expect(reply.from == front)

                // Signed as webhooks are, over the exact body.
                let question = try await bot.question("When do you open?")
                let timestamp = try #require(question.timestamp.flatMap { Int64($0) })
                #expect(WebhookSignature.verify(
                    question.signature ?? "", secret: Self.secret, timestamp: timestamp, body: Array(question.body.utf8)))
                let chat = question.chat
                #expect(try await live.store.chat(chat)?["state"] == "bot", "with the bot, out of the line")
                let lines = try await live.store.transcript(chat)
                #expect(lines.map(\.kind) == [.visitor, .bot] && lines.last?.text == "We open at 9.")
                #expect(lines.last?.from == "Front desk assistant")

                try await visitor.send(Message(to: front, body: "My invoice is wrong"))
                _ = try await Self.message(visitor, "the bot's last word", startingWith: "Passing you to billing.")
                let offer = try await Self.message(bill, "the offer in billing", startingWith: "New chat \(chat) in billing")
                let history = offer.body ?? ""
                #expect(history.contains("When do you open?") && history.contains("[bot] Front desk assistant: We open at 9."))
                #expect(history.contains("My invoice is wrong") && history.contains("handed over: the bot handed the chat over"))
                let queued = try await live.event("the chat queued in billing") { $0["type"] == "queued" && $0["chat"] == chat }
                #expect(queued["queue"] == "billing" && queued["from"] == "bot")
                // The visitor's next line, written where they started, reaches Bill, not the bot.
                try await visitor.send(Message(to: front, body: "It says 40 EUR"))
                _ = try await Self.message(bill, "the visitor's line", startingWith: "It says 40 EUR")
                #expect(bot.received.count == 2)
            }
        }
    }

    @Test func aSilentBotHandsTheChatOverAtItsTimeout() async throws {
        try await BotServer.with(Self.answers) { bot in
            try await Self.withRouter(accounts: Self.accounts(["ben", "visitor1"]), rules: Self.workflow(Self.yaml(bot: bot))) {
                (live: LiveRouter) in
                let ben = try await live.agent("ben")
                let visitor = try await live.connect("visitor1")
                try await visitor.send(Message(to: try live.address("quick"), body: "Are you there?"))
                let offer = try await Self.message(ben, "the offer after the timeout", startingWith: "New chat")
                #expect(offer.body?.contains("handed over: no answer within 2s") == true, "\(offer.body ?? "")")
                #expect(offer.body?.contains("Are you there?") == true)
                _ = try await Self.message(visitor, "the agent's name", startingWith: "You are now chatting with Ben")
            }
        }
    }

    @Test func aFailingBotAndABadAnswerEachHandTheChatOver() async throws {
        try await BotServer.with(Self.answers) { bot in
            try await Self.withRouter(
                accounts: Self.accounts(["ben", "visitor1", "visitor2"]), rules: Self.workflow(Self.yaml(bot: bot))
            ) { (live: LiveRouter) in
                let ben = try await live.agent("ben")
                let first = try await live.connect("visitor1")
                try await first.send(Message(to: try live.address("front"), body: "Break please"))
                let failed = try await Self.message(ben, "the offer after an error", startingWith: "New chat")
                #expect(failed.body?.contains("handed over: the bot answered HTTP 500") == true, "\(failed.body ?? "")")
                _ = try await Self.message(first, "the agent's name", startingWith: "You are now chatting with Ben")

                let second = try await live.connect("visitor2")
                try await second.send(Message(to: try live.address("front"), body: "Say nonsense"))
                let bad = try await Self.message(ben, "the offer after a bad answer", startingWith: "New chat")
                #expect(bad.body?.contains("handed over: a bad answer: reply has the wrong type") == true, "\(bad.body ?? "")")
                _ = try await Self.message(second, "the agent's name", startingWith: "You are now chatting with Ben")
            }
        }
    }

    /// The FAQ bot of `examples/faq-bot` end to end: a known question answered, billing words
    /// handed to billing. It checks the router's signature, so a wrong secret would fail here.
    @Test func theFAQBotExampleAnswersAndHandsOver() async throws {
        try await FAQBot.with(secret: Self.secret) { url in
            let yaml = """
                queues:
                  - name: front
                    skills: [front]
                    bot: { url: "\(url)", secret: "\(Self.secret)", timeout: 1m }
                  - name: billing
                    skills: [billing]
                agents:
                  - { jid: bill@localhost, name: Bill, skills: { billing: 5 } }
                  - { jid: ben@localhost, name: Ben, skills: { front: 5 } }
                """
            try await Self.withRouter(accounts: Self.accounts(["bill", "visitor1"]), rules: Self.workflow(yaml)) { (live: LiveRouter) in
                let bill = try await live.agent("bill")
                let visitor = try await live.connect("visitor1")
                let front = try live.address("front")
                try await visitor.send(Message(to: front, body: "What are your opening hours?"))
                _ = try await Self.message(visitor, "the FAQ answer", startingWith: "We are open Monday to Friday")
                try await visitor.send(Message(to: front, body: "There is a wrong charge on my invoice"))
                let offer = try await Self.message(bill, "the offer in billing", startingWith: "New chat")
                #expect(offer.body?.contains("We are open Monday to Friday") == true, "\(offer.body ?? "")")
            }
        }
    }
}
