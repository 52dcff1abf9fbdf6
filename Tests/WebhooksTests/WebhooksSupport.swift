import Foundation
import Logging
import Redis
import SwitchboardTesting
import Testing
@testable import Webhooks
import Workflow

let quietLogger: Logger = {
    var logger = Logger(label: "webhooks-tests")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` with a Redis client on a fresh redis-server, both stopped afterwards.
func withWebhooksRedis<Result: Sendable>(_ body: (RedisServer, RedisClient) async throws -> Result) async throws -> Result {
    try await withRedisServer { server in
        let redis = RedisClient(configuration: RedisConfiguration(url: try RedisURL(server.url)), logger: quietLogger)
        return try await withCleanup { try await body(server, redis) } cleanup: { await redis.close() }
    }
}

/// A routing event as the router's scripts write it (`emit`: type, chat, queue, agent, ts, then
/// the event's own fields), and for messages the transcript line the same script appends.
struct RoutingEventFixture: Sendable {
    var type: String
    var chat: String
    var queue = "sales"
    var agent = ""
    var ts: Int64
    var extra: [(String, String)] = []
    /// For `visitor_message` and `agent_message`: the line's text.
    var text: String?

    /// Appends the transcript line (if any) and the event, as one script of the router would.
    func write(to redis: RedisClient, prefix: String = "sb") async throws -> String {
        if let text {
            let kind = type == "agent_message" ? "agent" : "visitor"
            let line = try JSONSerialization.data(withJSONObject: ["t": ts, "kind": kind, "from": agent.isEmpty ? "v@x" : agent, "text": text])
            try await redis.send("RPUSH", "{\(prefix)}:chat:\(chat):transcript", String(decoding: line, as: UTF8.self))
        }
        let fields = ["type", type, "chat", chat, "queue", queue, "agent", agent, "ts", String(ts)] + extra.flatMap { [$0.0, $0.1] }
        return try await redis.send(RedisCommand("XADD", ["{\(prefix)}:events", "MAXLEN", "~", "1000000", "*"] + fields)).string ?? ""
    }
}

/// A chat's whole story: queued, assigned, messages both ways (two in one millisecond), a
/// transfer, closed; plus events no webhook gets (offers, presence).
func story(chat: String, at start: Int64) -> [RoutingEventFixture] {
    [
        RoutingEventFixture(type: "queued", chat: chat, ts: start, extra: [("visitor", "v\(chat)@localhost"), ("channel", "xmpp")]),
        RoutingEventFixture(type: "visitor_message", chat: chat, ts: start, text: "hello from \(chat)"),
        RoutingEventFixture(type: "offered", chat: chat, agent: "alice@localhost", ts: start + 5),
        RoutingEventFixture(type: "accepted", chat: chat, agent: "alice@localhost", ts: start + 10),
        RoutingEventFixture(type: "agent_message", chat: chat, agent: "alice@localhost", ts: start + 20, text: "hi \(chat), how can I help?"),
        RoutingEventFixture(type: "visitor_message", chat: chat, agent: "alice@localhost", ts: start + 30, text: "first of two \"quoted\" ünïcode"),
        RoutingEventFixture(type: "visitor_message", chat: chat, agent: "alice@localhost", ts: start + 30, text: "second of two"),
        RoutingEventFixture(type: "presence", chat: "", queue: "", agent: "bob@localhost", ts: start + 31, extra: [("presence", "away")]),
        RoutingEventFixture(
            type: "transferred", chat: chat, queue: "support", agent: "alice@localhost", ts: start + 40,
            extra: [("from_queue", "sales"), ("to_queue", "support")]),
        RoutingEventFixture(type: "assigned", chat: chat, queue: "support", agent: "bob@localhost", ts: start + 50),
        RoutingEventFixture(type: "closed", chat: chat, queue: "support", agent: "bob@localhost", ts: start + 60,
                            extra: [("by", "visitor"), ("abandoned", "0")]),
    ]
}

/// Every webhook event name, so a hook gets all of them.
let allEvents = WebhookEvent.allCases

/// The number of events of a story a hook with every event gets (not the offer, not the presence).
let deliveredPerStory = 9

/// Checks every request's signature with Python's hmac module, independent of the service's
/// libcrypto code: HMAC-SHA256(secret, timestamp + "." + body) in hex after `sha256=`.
func expectSignaturesValid(_ requests: [Receiver.Request], secret: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let directory = try RunDirectory.make("signatures")
    let input = "\(directory)/requests.jsonl"
    let lines = try requests.map { request in
        String(decoding: try JSONSerialization.data(withJSONObject: [
            "timestamp": request.timestamp ?? "", "signature": request.signature ?? "", "body": request.body,
        ]), as: UTF8.self)
    }
    try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
    let script = """
        import hashlib, hmac, json, sys
        bad = 0
        for line in open(sys.argv[1], encoding="utf-8"):
            r = json.loads(line)
            mac = hmac.new(sys.argv[2].encode(), (r["timestamp"] + "." + r["body"]).encode(), hashlib.sha256).hexdigest()
            if r["signature"] != "sha256=" + mac: bad += 1
        print("bad", bad)
        """
    try script.write(toFile: "\(directory)/check.py", atomically: true, encoding: .utf8)
    let log = "\(directory)/check.log"
    let child = try ChildProcess(try ChildProcess.executable("python3"), ["\(directory)/check.py", input, secret], logFile: log)
    #expect(await child.waitForExit() == 0, sourceLocation: sourceLocation)
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    #expect(output == "bad 0\n", "python's check: \(output)", sourceLocation: sourceLocation)
    #expect(!requests.isEmpty, sourceLocation: sourceLocation)
}

/// The payload of a request, as JSON.
func payload(_ request: Receiver.Request) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
}

/// A hook to the receiver with the test secret.
func hook(_ receiver: Receiver, name: String = "test", events: [WebhookEvent] = allEvents, timeout: Duration = .milliseconds(500)) -> Webhook {
    Webhook(name: name, url: receiver.url, events: events, secret: Secret(testSecret), timeout: timeout)
}

let testSecret = "wh-test-secret-0123456789"
