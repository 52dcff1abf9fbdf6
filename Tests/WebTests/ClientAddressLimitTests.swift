import Foundation
import SwitchboardTesting
import Testing
import Web

/// The per-address limits behind a reverse proxy: the client's address comes from the proxy's
/// headers only when the proxy is trusted; IPv6 clients are counted per /64.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ClientAddressLimitTests {
    static let workflow = """
        queues:
          - name: support
        agents:
          - jid: alice@localhost
            name: Alice
        """

    /// Five connections per address in a window far longer than any run of this test (the
    /// default 30 in 10 s could pass by on a loaded machine before the 31st connection).
    static var limits: WebLimits {
        var limits = WebLimits()
        limits.connectionsPerAddress = 5
        limits.window = .seconds(300)
        return limits
    }

    /// Opens connections with `headers` from `localAddress` until the server cuts one off;
    /// returns how many were served.
    static func served(_ web: WebHarness, from localAddress: String = "127.0.0.1", headers: [(String, String)], upTo: Int = 6)
        async throws -> Int
    {
        for index in 0..<upTo {
            let socket = try await WebSocketClient.connect(
                port: web.port, origin: web.origin, localAddress: localAddress, headers: headers)
            try? await socket.send(["type": "hello", "queue": "support"])  // a refused socket may be closed already
            // A refused socket is told and closed; this client may miss a frame that comes with the
            // upgrade's answer, so a close without one counts as a refusal too.
            let answer = try? await socket.next("a session or a refusal") { $0.type == "session" || $0.type == "error" }
            await socket.close()
            guard answer?.type == "session" else { return index }
        }
        return upTo
    }

    @Test func behindATrustedProxyEachClientHasItsOwnLimit() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow, trustedProxies: ["127.0.0.1/32", "10.0.0.0/8"], limits: Self.limits) { (web: WebHarness) async throws in
            // Five from one client (through two proxies: the nearer one, 10.1.2.3, is trusted too).
            let oneClient = [("X-Forwarded-For", "198.51.100.7, 10.1.2.3")]
            #expect(try await Self.served(web, headers: oneClient) == 5, "the 6th from one client is cut off")
            // Another client behind the same proxy is not: it has a limit of its own.
            #expect(try await Self.served(web, headers: [("X-Forwarded-For", "198.51.100.8")], upTo: 3) == 3)
            // RFC 7239's Forwarded says the same.
            #expect(try await Self.served(web, headers: [("Forwarded", "for=198.51.100.9;proto=https")], upTo: 3) == 3)
            #expect(try await Self.served(web, headers: [("Forwarded", #"for="[2001:db8:5::1]:4711""#)], upTo: 3) == 3)
        }
    }

    @Test func ipv6ClientsAreCountedPerSlash64() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow, trustedProxies: ["127.0.0.1"], limits: Self.limits) { (web: WebHarness) async throws in
            // Five addresses of one /64, one connection each: the /64 has used its limit.
            for host in 1...5 {
                let served = try await Self.served(web, headers: [("X-Forwarded-For", "2001:db8:1:2::\(String(host, radix: 16))")], upTo: 1)
                #expect(served == 1, "address \(host) of the /64")
            }
            #expect(try await Self.served(web, headers: [("X-Forwarded-For", "2001:db8:1:2:ffff::9")], upTo: 1) == 0)
            #expect(try await Self.served(web, headers: [("X-Forwarded-For", "2001:db8:1:3::1")], upTo: 1) == 1, "the next /64 is another client")
        }
    }

    @Test func headersFromAnUntrustedPeerAreIgnored() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow, trustedProxies: ["127.0.0.1/32"], limits: Self.limits) { (web: WebHarness) async throws in
            // 127.0.0.2 is no proxy of ours: whatever it claims, it is one address with one limit.
            var served = 0
            for index in 0..<6 {
                served += try await Self.served(
                    web, from: "127.0.0.2", headers: [("X-Forwarded-For", "198.51.100.\(index + 1)")], upTo: 1)
            }
            #expect(served == 5)
        }
    }

    @Test func aSessionThatNeverSentAMessageExpiresWithinMinutes() async throws {
        try await WebHarness.with(accounts: [], workflow: Self.workflow) { web in
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                try await socket.next("session")
                let key = try #require(try await web.redis.send("KEYS", web.store.keys.webSession("*")).array?.first?.string)
                let silent = try #require(try await web.redis.send("TTL", key).int)
                #expect(silent > 0 && silent <= 600, "a silent session lives minutes, not \(silent) s")
                try await socket.send(["type": "message", "id": "m1", "text": "hello?"])
                try await socket.next("queued")
                // Kept for the visitor to come back, once its chat is remembered (after the
                // message is stored, so no frame tells when): days, not minutes.
                try await poll(.seconds(10), "the session with a chat to be kept for days", every: .milliseconds(10)) {
                    try await web.redis.send("TTL", key).int ?? 0 > 86_400
                }
            }
        }
    }
}
