import Testing
import Workflow

/// A queue's `bot`: url, secret and a bounded timeout, checked as a webhook's are; never shown whole.
@Suite struct QueueBotSectionTests {
    @Test func readsTheBotWithItsDefaultTimeout() throws {
        let loaded = try workflow(queues: """
              - name: front
                bot: { url: "https://bot.example.com/ask?token=t0p-secret", secret: "${SB_WEBHOOK_SECRET}" }
              - name: back
                bot: { url: "http://127.0.0.1:9000/bot", secret: b0t-literal, timeout: 800ms }
              - name: humans
            """)
        let front = try #require(loaded.queues.first { $0.name == "front" }?.bot)
        #expect(front.secret.value == "test-webhook-secret" && front.timeout == QueueBot.defaultTimeout)
        #expect(front.backstop == QueueBot.defaultTimeout + QueueBot.backstopMargin)
        #expect(loaded.queues.first { $0.name == "back" }?.bot?.timeout == .milliseconds(800))
        #expect(loaded.queues.first { $0.name == "humans" }?.bot == nil)
        for shown in ["\(loaded)", String(reflecting: loaded), { var text = ""; dump(loaded, to: &text); return text }()] {
            #expect(!shown.contains("b0t-literal") && !shown.contains("test-webhook-secret") && !shown.contains("t0p-secret"))
        }
    }

    @Test func problemsAtTheirLines() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents: [{ jid: alice@localhost }]
            queues:
              - name: a
                bot: { url: "ftp://bot.example.com", secret: s }
              - name: b
                bot: { url: "https://bot.example.com", secret: s, timeout: 2m }
              - name: c
                bot: { url: "https://bot.example.com", secret: "" }
              - name: d
                bot: { url: "https://bot.example.com", secret: s, timeout: 50ms, answer: yes }
              - name: e
                bot: { secret: s }
            """, [
                (5, "a bot's url must start with http:// or https://"),
                (7, "must be from 100ms to 1m"),
                (9, "the bot's secret is empty"),
                (11, "must be from 100ms to 1m"),
                (11, "answer"),
                (13, "url"),
            ])
    }
}
