import Foundation
import LocalServices
import SwitchboardTesting
import Testing
import XMPP

/// The router's own metrics, scraped by a real Prometheus: PromQL over them gives back the
/// traffic the test made.
@Suite(.serialized) struct RouterMetricsTests {
    @Test func prometheusSeesTheStanzasAndLinksOfKnownTraffic() async throws {
        try await withProsodyServer(.init(accounts: ["visitor1": "secret", "alice": "secret"])) { prosody in
            try await withRedisServer { redis in
                let path = "\(try RunDirectory.make("metrics-workflow"))/workflow.yml"
                try """
                    xmpp: { host: 127.0.0.1, port: \(prosody.componentPort), domain: \(prosody.serviceDomain), secret: "\(prosody.componentSecret)" }
                    redis: { url: "\(redis.url)", prefix: sb }
                    queues:
                      - { name: sales }
                    agents:
                      - { jid: alice@localhost, name: Alice }
                    """.write(toFile: path, atomically: true, encoding: .utf8)
                let metricsPort = try Ports.free()
                let router = try SwitchboardProcess(
                    ["router", "--workflow", path, "--no-web", "--metrics-listen", "127.0.0.1:\(metricsPort)"], ready: "router ready")
                var clients: [XMPPClient] = []
                try await withCleanup {
                    try await router.start()
                    try await router.waitForLog("metrics listening")
                    try await withPrometheus(job: "switchboard-router", targets: ["127.0.0.1:\(metricsPort)"]) { prometheus in
                        let alice = try await XMPPClient.connect(prosody.clientConfiguration("alice"), logger: quietLogger)
                        clients.append(alice)
                        let visitor = try await XMPPClient.connect(prosody.clientConfiguration("visitor1"), logger: quietLogger)
                        clients.append(visitor)
                        // Available to their own server (so messages to the bare JID reach them), then to the service.
                        for client in clients { try await client.send(Presence()) }
                        let service = try JID(domain: prosody.serviceDomain)
                        try await alice.send(Presence(to: service))
                        // Known traffic: three visitor lines, two agent lines; nothing else the clients send is a message.
                        let sales = try JID("sales@\(prosody.serviceDomain)")
                        try await visitor.send(Message(to: sales, body: "one"))
                        let offer = try await alice.message("the new chat", startingWith: "New chat")
                        let chat = try #require(offer.from)
                        for text in ["two", "three"] { try await visitor.send(Message(to: sales, body: text)) }
                        _ = try await alice.message("the last visitor line", startingWith: "three")
                        for text in ["four", "five"] { try await alice.send(Message(to: chat, body: text)) }
                        _ = try await visitor.message("the last agent line", startingWith: "five")

                        let job = "job=\"switchboard-router\""
                        try await poll(.seconds(60), "Prometheus to scrape the five messages", every: .milliseconds(500)) {
                            try await prometheus.value(of: "sum(switchboard_xmpp_stanzas_received_total{\(job),kind=\"message\"})") == 5
                        }
                        #expect(try await prometheus.value(of: "switchboard_xmpp_link_up{\(job)}") == 1)
                        #expect(try await prometheus.value(of: "switchboard_xmpp_link_joins_total{\(job)}") == 1)
                        #expect(try await prometheus.value(of: "switchboard_redis_connections_open{\(job)}") ?? 0 >= 1)
                        // Every stanza handled ran at least one script: the round trips outnumber the messages.
                        #expect(try await prometheus.value(of: "sum(switchboard_redis_roundtrip_seconds_count{\(job)})") ?? 0 >= 5)
                        #expect(try await prometheus.value(of: "sum(switchboard_xmpp_stanzas_sent_total{\(job),kind=\"message\"})") ?? 0 >= 5)
                        #expect(try await prometheus.value(of: "switchboard_router_stanzas_in_hand{\(job)}") == 0)
                        #expect(try await prometheus.value(of: "up{\(job)}") == 1)
                    }
                } cleanup: {
                    for client in clients { await client.close() }
                    await router.stop()
                }
            }
        }
    }
}
