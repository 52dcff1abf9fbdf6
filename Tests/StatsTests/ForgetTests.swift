import Foundation
import Redis
import Routing
import SwitchboardTesting
import Testing

/// `switchboard forget`, run as an operator would, against a Redis holding several visitors'
/// chats, sessions and webhook deliveries: the subject's keys go, nobody else's change.
@Suite struct ForgetTests {
    struct Chats {
        var closed1 = "", open1 = "", open2 = "", web1 = "", web2 = ""
    }

    /// Two XMPP visitors and two web visitors, with what every part keeps of them.
    static func populate(_ redis: RedisClient) async throws -> Chats {
        let store = RoutingStore(redis: redis, prefix: "sb")
        var chats = Chats()
        chats.closed1 = try await store.enqueue(queue: "sales", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                                message: "my old order", messageID: "m1").chat
        _ = try await store.close(chat: chats.closed1, by: .visitor)
        chats.open1 = try await store.enqueue(queue: "support", visitor: "visitor1@localhost", name: "visitor1", channel: .xmpp,
                                              message: "it broke again").chat
        chats.open2 = try await store.enqueue(queue: "sales", visitor: "visitor2@localhost", name: "visitor2", channel: .xmpp,
                                              message: "a question").chat
        chats.web1 = try await store.enqueue(queue: "sales", visitor: "web:aaaa", name: "Jane <jane@example.com>", channel: .web,
                                             message: "call me").chat
        _ = try await store.close(chat: chats.web1, by: .visitor)
        chats.web2 = try await store.enqueue(queue: "sales", visitor: "web:bbbb", name: "Other <other@example.com>", channel: .web,
                                             message: "hello").chat
        for (digest, visitor, email, chat) in [("d1", "web:aaaa", "Jane@Example.com", chats.web1),
                                               ("d2", "web:bbbb", "other@example.com", chats.web2)] {
            _ = try await redis.send("HSET", "{sb}:web:session:\(digest)", "visitor", visitor, "queue", "sales", "name", "N",
                                     "email", email, "chat", chat)
        }
        for chat in [chats.open1, chats.open2] {
            _ = try await redis.send("RPUSH", "{sb}:webhooks:hook:crm:chat:\(chat)", "{\"event\":\"chat.queued\"}")
            _ = try await redis.send("ZADD", "{sb}:webhooks:hook:crm:due", "1", chat)
            _ = try await redis.send("HSET", "{sb}:webhooks:hook:crm:tries", "\(chat)|n", "2", "\(chat)|first", "1")
            _ = try await redis.send("HSET", "{sb}:stats:chat:\(chat)", "queue", "x")
        }
        for chat in [chats.closed1, chats.open2] {
            let id = "crm/1-\(chat)"
            _ = try await redis.send("HSET", "{sb}:webhooks:failed", id, #"{"hook":"crm","delivery":{"chat":"\#(chat)"}}"#)
            _ = try await redis.send("ZADD", "{sb}:webhooks:failed:order", "1", id)
        }
        return chats
    }

    static func keys(_ redis: RedisClient) async throws -> Set<String> {
        Set((try await redis.send("KEYS", "*").array ?? []).compactMap(\.string))
    }

    /// Runs `switchboard forget ARGUMENTS` against `workflow`; its status and output.
    static func forget(_ arguments: [String], workflow: String) async throws -> (Int32, String) {
        let log = "\(try RunDirectory.make("forget"))/forget-\(UInt32.random(in: 0...UInt32.max)).log"
        let child = try ChildProcess(
            try SwitchboardBinary.path(), ["forget"] + arguments + ["--workflow", workflow, "--actor", "operator:test"],
            environment: [:], currentDirectory: RunDirectory.repositoryRoot, logFile: log)
        let status = await child.waitForExit()
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test func forgettingAVisitorRemovesTheirKeysAndNobodyElses() async throws {
        try await withStatsRedis { server, redis in
            let chats = try await Self.populate(redis)
            let workflow = try writeStatsWorkflow(redisURL: server.url)
            let before = try await Self.keys(redis)

            let (dryStatus, dry) = try await Self.forget(["visitor1@localhost", "--dry-run"], workflow: workflow)
            #expect(dryStatus == 0, "\(dry)")
            #expect(dry.hasPrefix("would remove 2 chat(s): \(chats.closed1), \(chats.open1)"), "\(dry)")
            #expect(try await Self.keys(redis) == before, "a dry run changes nothing")

            let (status, output) = try await Self.forget(["visitor1@localhost"], workflow: workflow)
            #expect(status == 0, "\(output)")
            let after = try await Self.keys(redis)
            let gone = before.subtracting(after)
            #expect(gone == [
                "{sb}:chat:\(chats.closed1)", "{sb}:chat:\(chats.closed1):transcript", "{sb}:chat:\(chats.open1)",
                "{sb}:chat:\(chats.open1):transcript", "{sb}:visitor:support:visitor1@localhost",
                "{sb}:webhooks:hook:crm:chat:\(chats.open1)", "{sb}:stats:chat:\(chats.open1)",
                // Their last chat, for `/transcript` (set when a chat closes), and its message ids
                // (kept two minutes after the close, for late copies of its lines: `LateCopyTests`).
                "{sb}:lastchat:visitor1@localhost", "{sb}:chat:\(chats.closed1):seen",
                // Its open chat was the only one waiting in support: closed first, the line is empty.
                "{sb}:queue:support:waiting",
            ])
            #expect(after.subtracting(before) == ["{sb}:audit"])
            // Nobody else's: visitor2 and both web visitors keep every key, and the shared keys their entries.
            #expect(try await redis.send("ZRANGE", "{sb}:webhooks:hook:crm:due", "0", "-1").array?.compactMap(\.string) == [chats.open2])
            #expect(try await redis.send("HKEYS", "{sb}:webhooks:hook:crm:tries").array?.compactMap(\.string).sorted()
                == ["\(chats.open2)|first", "\(chats.open2)|n"])
            #expect(try await redis.send("HKEYS", "{sb}:webhooks:failed").array?.compactMap(\.string) == ["crm/1-\(chats.open2)"])
            #expect(try await redis.send("ZRANGE", "{sb}:webhooks:failed:order", "0", "-1").array?.compactMap(\.string)
                == ["crm/1-\(chats.open2)"])
            let events = try await redis.send("XRANGE", "{sb}:events", "-", "+").description
            #expect(!events.contains("visitor1@localhost"), "the queued events naming them are gone")
            #expect(events.contains("visitor2@localhost") && events.contains("web:aaaa"))
            // Audited: who and how many chats, never whom.
            let audit = try await redis.send("XRANGE", "{sb}:audit", "-", "+").description
            #expect(audit.contains("operator:test") && audit.contains("forget") && !audit.contains("visitor1"))

            // Again: nothing more goes.
            let (_, again) = try await Self.forget(["visitor1@localhost"], workflow: workflow)
            #expect(again.hasPrefix("removed 0 chat(s)"), "\(again)")
            #expect(try await Self.keys(redis) == after)
        }
    }

    @Test func anEMailFromTheWebFormFindsTheSessionAndItsChats() async throws {
        try await withStatsRedis { server, redis in
            let chats = try await Self.populate(redis)
            let workflow = try writeStatsWorkflow(redisURL: server.url)
            let before = try await Self.keys(redis)
            let (status, output) = try await Self.forget(["jane@example.com"], workflow: workflow)
            #expect(status == 0, "\(output)")
            let gone = before.subtracting(try await Self.keys(redis))
            #expect(gone == [
                "{sb}:web:session:d1", "{sb}:chat:\(chats.web1)", "{sb}:chat:\(chats.web1):transcript", "{sb}:lastchat:web:aaaa",
            ])
            let (refused, message) = try await Self.forget(["*"], workflow: workflow)
            #expect(refused != 0 && message.contains("no spaces or wildcards"), "\(message)")
        }
    }

    /// Their uploaded files (on disk and described in Redis) and their ratings' comments go; another
    /// visitor's file and comment stay.
    @Test func forgettingAWebVisitorRemovesTheirUploadsAndRatingComments() async throws {
        try await withStatsRedis { server, redis in
            let chats = try await Self.populate(redis)
            let store = RoutingStore(redis: redis, prefix: "sb")
            let folder = "\(try RunDirectory.make("forget-uploads"))/files-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let theirs = String(repeating: "a1", count: 16), unnamed = String(repeating: "c3", count: 16)
            let others = String(repeating: "b2", count: 16)
            for (id, visitor, chat) in [(theirs, "web:aaaa", chats.web1), (unnamed, "web:aaaa", ""), (others, "web:bbbb", chats.web2)] {
                #expect(FileManager.default.createFile(atPath: "\(folder)/\(id)", contents: Data("a file of \(visitor)".utf8)))
                _ = try await redis.send("HSET", "{sb}:web:upload:\(id)", "visitor", visitor, "chat", chat, "name", "scan.png")
            }
            // Both web visitors rate a closed chat, with a comment each (the keys as an active chat's close leaves them).
            for (visitor, chat) in [("web:aaaa", chats.web1), ("web:bbbb", chats.web2)] {
                _ = try await redis.send("SET", "{sb}:rating:sales:\(visitor)", "\(chat)|alice@localhost|0", "PX", "600000")
            }
            _ = try await store.close(chat: chats.web2, by: .visitor)
            _ = try await store.rate(queue: "sales", visitor: "web:aaaa", score: 2, comment: "Jane Doe was kept waiting")
            _ = try await store.rate(queue: "sales", visitor: "web:bbbb", score: 5, comment: "quick and kind")
            #expect(try await Self.dump(redis, try await Self.keys(redis)).contains("Jane Doe was kept waiting"))
            let workflow = try writeStatsWorkflow(
                redisURL: server.url, sections: "http: { listen: \"127.0.0.1:8080\", uploads: { dir: \"\(folder)\" } }")

            let (dryStatus, dry) = try await Self.forget(["web:aaaa", "--dry-run"], workflow: workflow)
            #expect(dryStatus == 0 && dry.contains("file \(folder)/\(theirs)") && dry.contains("file \(folder)/\(unnamed)"), "\(dry)")
            #expect(FileManager.default.fileExists(atPath: "\(folder)/\(theirs)"), "a dry run removes no file")

            let (status, output) = try await Self.forget(["web:aaaa"], workflow: workflow)
            #expect(status == 0, "\(output)")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(files == [others])
            let keys = try await Self.keys(redis)
            #expect(!keys.contains("{sb}:web:upload:\(theirs)") && !keys.contains("{sb}:web:upload:\(unnamed)"))
            #expect(keys.contains("{sb}:web:upload:\(others)"))
            let everything = try await Self.dump(redis, keys)
            #expect(!everything.contains("Jane Doe was kept waiting"), "their comment is nowhere in Redis")
            #expect(everything.contains("quick and kind"), "another visitor's comment stays")
        }
    }

    /// Every value in `keys` (strings, hashes, lists, sets, streams) as one text, to search.
    static func dump(_ redis: RedisClient, _ keys: Set<String>) async throws -> String {
        var text = ""
        for key in keys.sorted() {
            let type = try await redis.send("TYPE", key).string ?? ""
            let value: RESPValue? = switch type {
            case "string": try await redis.send("GET", key)
            case "hash": try await redis.send("HGETALL", key)
            case "list": try await redis.send("LRANGE", key, "0", "-1")
            case "set": try await redis.send("SMEMBERS", key)
            case "zset": try await redis.send("ZRANGE", key, "0", "-1")
            case "stream": try await redis.send("XRANGE", key, "-", "+")
            default: nil
            }
            text += "\(key) \(value?.description ?? "")\n"
        }
        return text
    }
}
