import Foundation
import Testing
import Workflow

/// The `webhooks` list: url, events, secret, name and timeout, with problems at their lines.
@Suite struct WebhooksSectionTests {
    static let yaml = """
        xmpp: { secret: s }
        agents: [{ jid: alice@localhost }]
        queues: [{ name: sales }]
        webhooks:
          - url: https://hooks.example.com/switchboard?token=t0p-secret-in-url
            events: [chat.queued, chat.closed, chat.queued]
            secret: ${SB_WEBHOOK_SECRET}
          - name: archive
            url: http://127.0.0.1:9000/in
            events: [message.visitor, message.agent, chat.rated]
            secret: literal-secret
            timeout: 2s
        """

    @Test func readsEachHookWithDefaults() throws {
        let loaded = try workflow(Self.yaml, environment: ["SB_WEBHOOK_SECRET": "whs3cret-from-env"])
        #expect(loaded.webhooks.count == 2)
        let first = loaded.webhooks[0], second = loaded.webhooks[1]
        #expect(first.name == "hooks.example.com", "the name defaults to the url's host")
        #expect(first.events == [.chatQueued, .chatClosed], "each event once, in file order")
        #expect(first.secret.value == "whs3cret-from-env")
        #expect(first.timeout == Webhook.defaultTimeout)
        #expect(second.name == "archive" && second.timeout == .seconds(2))
        #expect(second.events == [.messageVisitor, .messageAgent, .chatRated])
        #expect(second.subscribes(to: .chatRated) && !second.subscribes(to: .chatQueued))
        for shown in ["\(loaded)", String(reflecting: loaded), { var text = ""; dump(loaded, to: &text); return text }()] {
            #expect(!shown.contains("whs3cret") && !shown.contains("literal-secret"), "secrets never show")
            #expect(!shown.contains("t0p-secret-in-url"), "nor the url beyond its host")
        }
    }

    @Test func withoutTheListThereAreNoHooks() throws {
        #expect(try workflow("xmpp: { secret: s }\nagents: [{ jid: a@localhost }]\nqueues: [{ name: sales }]").webhooks.isEmpty)
    }

    @Test func problemsAtTheirLines() {
        let yaml = """
            xmpp: { secret: s }
            agents: [{ jid: alice@localhost }]
            queues: [{ name: sales }]
            webhooks:
              - url: ftp://files.example.com/in
                events: [chat.queud]
                secret: ${SB_WEBHOOK_SECRET}
                retries: 3
              - url: https://a.example.com/in
                events: []
                timeout: 10m
              - name: "bad name"
                url: https://b.example.com/in
                events: [chat.closed]
                secret: s
              - url: https://c.example.com/in
                events: [chat.closed]
                secret: s
              - url: https://c.example.com/other
                events: [chat.closed]
                secret: s
            """
        expectProblems(in: yaml, [
            (5, "url: a webhook's url must start with http:// or https://"),
            (6, "events: 'chat.queud' is not one of: chat.queued, chat.assigned, chat.transferred, chat.closed, message.visitor, message.agent, chat.rated; did you mean 'chat.queued'?"),
            (7, "secret: the webhook's secret is empty"),
            (8, "unknown key 'retries' in a webhook"),
            (9, "a webhook has no 'secret'"),
            (10, "events: name at least one of chat.queued"),
            (11, "timeout: must be from 100ms to 5m, not 10m"),
            (12, "name: 'bad name' may only have letters, digits"),
            (19, "two webhooks are named 'c.example.com' (first on line 16)"),
        ], environment: ["SB_WEBHOOK_SECRET": ""])
    }

    @Test func aProblemNeverRepeatsTheURL() {
        let found = problems(in: """
            xmpp: { secret: s }
            agents: [{ jid: alice@localhost }]
            queues: [{ name: sales }]
            webhooks:
              - { url: "https:// secret-token@x", events: [chat.closed], secret: s }
            """)
        #expect(found.count == 1)
        #expect(!found.map(\.description).joined().contains("secret-token"))
    }
}
