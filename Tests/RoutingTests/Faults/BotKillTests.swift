import Foundation
import Logging
import Redis
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// A router SIGKILLed while its call to a queue's bot is open: the visitor's line is kept, and so
/// is the `bot|ID` timer its enqueue set (the bot's timeout plus a margin). The restarted router
/// fires it and hands the chat over: the visitor is in line, never left with no one.
@Suite struct BotKillTests {
    @Test func aRouterKilledMidCallLeavesATimerTheNextRouterFires() async throws {
        try await BotServer.with({ _ in .silent }) { bot in
            try await withProsodyServer(.init(accounts: ["visitor1": "secret"])) { prosody in
                try await withRedisServer { redisServer in
                    // The longest timeout: the first router must die before it gives up by itself, however
                    // loaded the machine; the second hands over at the backstop, 63 s after the line.
                    let routing = """
                        queues:
                          - name: front
                            title: Front desk
                            skills: [front]
                            bot: { url: "\(bot.url)", secret: s3cret, timeout: 1m }
                        agents:
                          - { jid: ben@localhost, name: Ben, skills: { front: 5 } }
                        """
                    var logger = Logger(label: "bot-kill-test")
                    logger.logLevel = .warning
                    let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(redisServer.url)), logger: logger)
                    let first = try RouterProcess(server: prosody, redisURL: redisServer.url, routing: routing)
                    let second = try RouterProcess(server: prosody, redisURL: redisServer.url, routing: routing)
                    var visitor: XMPPClient?
                    try await withCleanup {
                        try await first.start()
                        let client = try await LiveRouter.connect(prosody, "visitor1")
                        visitor = client
                        try await client.send(Message(to: try JID("front@\(prosody.serviceDomain)"), body: "Is anyone there?"))
                        let question = try await bot.question("Is anyone there?")
                        await first.kill()
                        let chat = question.chat
                        #expect(try await redis.send("HGET", "{sb}:chat:\(chat)", "state").string == "bot")
                        #expect(try await redis.send("ZSCORE", "{sb}:timers", "bot|\(chat)").string != nil, "the call's backstop")

                        try await second.start()
                        _ = try await within(.seconds(240), "the welcome from the second router") {
                            for try await stanza in client.stanzas {
                                if case .message(let message) = stanza, message.body?.hasPrefix("Welcome to Front desk") == true { return message }
                            }
                            throw TimedOut(what: "the welcome (the session ended)")
                        }
                        #expect(try await redis.send("HGET", "{sb}:chat:\(chat)", "state").string == "queued")
                        let last = try await redis.send("LINDEX", "{sb}:chat:\(chat):transcript", "-1").string ?? ""
                        #expect(last.contains("handed over: no answer was recorded in time"), "\(last)")
                        #expect(try await redis.send("ZSCORE", "{sb}:timers", "bot|\(chat)").isNull)
                    } cleanup: {
                        await visitor?.close()
                        await redis.close()
                        await first.stop()
                        await second.stop()
                    }
                }
            }
        }
    }
}
