import Foundation
import Redis
import Routing
import SwitchboardTesting
import Testing

/// `GET /api/v1/chats…` on a running `switchboard stats`: a visitor's chats, one chat's record,
/// and its transcript with notes marked internal.
@Suite struct ChatAPITests {
    struct Listing: Decodable { var chats: [Chat] }
    struct Chat: Decodable {
        var id: String, state: String, queue: String?, agent: String?, visitor: String?, channel: String?
        var created: Int64?, accepted: Int64?, closed: Int64?, closed_by: String?
    }
    struct Transcript: Decodable {
        var chat: String
        var lines: [Line]
    }
    struct Line: Decodable { var kind: String, from: String, text: String, `internal`: Bool }

    @Test func integrationsReadChatsAndTranscripts() async throws {
        try await withStatsRedis { server, redis in
            let process = try StatsProcess(workflow: try writeStatsWorkflow(redisURL: server.url))
            try await withCleanup {
                try await process.start()
                let store = RoutingStore(redis: redis, prefix: "sb")
                try await store.setPresence(agent: "alice@localhost", .available, grace: .seconds(60))
                let chat = try await store.enqueue(queue: "sales", visitor: "v1@localhost", name: "V1", channel: .xmpp, message: "hi").chat
                let plan = QueuePlan(queue: "sales", strategy: "longest-idle", candidates: [.init(jid: "alice@localhost", capacity: 2)])
                _ = try await store.route([plan])
                try await store.record(chat: chat, .agent, from: "alice@localhost", text: "hello")
                try await store.record(chat: chat, .note, from: "alice@localhost", text: "regular customer")
                _ = try await store.close(chat: chat, by: .agent, agent: "alice@localhost")
                let other = try await store.enqueue(queue: "sales", visitor: "v2@localhost", name: "V2", channel: .xmpp, message: "yo").chat

                let base = process.baseURL + "/api/v1/chats"
                let token = StatsProcess.token
                #expect(try await httpGet(base).status == 401)
                #expect(try await httpGet(base + "/\(chat)/transcript").status == 401)

                let mine = try JSONDecoder().decode(Listing.self, from: try await httpGet(base + "?visitor=v1@localhost&since=0", token: token).body)
                #expect(mine.chats.map(\.id) == [chat])
                let all = try JSONDecoder().decode(Listing.self, from: try await httpGet(base + "?since=0", token: token).body)
                #expect(all.chats.map(\.id) == [chat, other])
                #expect(try JSONDecoder().decode(Listing.self, from: try await httpGet(base + "?since=9999999999", token: token).body)
                    .chats.isEmpty)

                let record = try JSONDecoder().decode(Chat.self, from: try await httpGet(base + "/\(chat)", token: token).body)
                #expect(record.state == "closed" && record.queue == "sales" && record.agent == "alice@localhost")
                #expect(record.visitor == "v1@localhost" && record.channel == "xmpp" && record.closed_by == "agent")
                #expect(record.created != nil && record.accepted != nil && record.closed != nil)

                let transcript = try JSONDecoder().decode(Transcript.self, from: try await httpGet(base + "/\(chat)/transcript", token: token).body)
                #expect(transcript.lines.map(\.text) == ["hi", "hello", "regular customer"])
                #expect(transcript.lines.map(\.internal) == [false, false, true], "the note is marked internal")

                #expect(try await httpGet(base + "/999", token: token).status == 404)
                #expect(try await httpGet(base + "/999/transcript", token: token).status == 404)
                for bad in ["/abc", "/1e3/transcript", "/" + String(repeating: "9", count: 21), "?limit=0", "?since=never",
                            "?visitor=" + String(repeating: "a", count: 3072)] {
                    #expect(try await httpGet(base + bad, token: token).status == 400, "\(bad)")
                }
            } cleanup: {
                await process.stop()
            }
        }
    }
}
