import Testing
import Workflow

/// `http.trusted_proxies`: CIDR blocks, read and matched.
@Suite struct TrustedProxiesTests {
    @Test func blocksHoldTheirAddressesOnly() throws {
        let private10 = try IPNetwork("10.0.0.0/8")
        #expect(private10.contains(try #require(IPAddress("10.200.3.4"))))
        #expect(!private10.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(!private10.contains(try #require(IPAddress("::1"))), "an IPv4 block holds no IPv6 address")
        let ula = try IPNetwork("fd00::/8")
        #expect(ula.contains(try #require(IPAddress("fd12:3456::1"))))
        #expect(!ula.contains(try #require(IPAddress("fe80::1"))))
        let one = try IPNetwork("192.0.2.1")
        #expect(one.prefixLength == 32)
        #expect(one.contains(try #require(IPAddress("192.0.2.1"))))
        #expect(!one.contains(try #require(IPAddress("192.0.2.2"))))
        #expect(try IPNetwork("0.0.0.0/0").contains(try #require(IPAddress("203.0.113.9"))))
        #expect(try IPNetwork("172.16.0.0/12").contains(try #require(IPAddress("172.31.255.255"))))
        #expect(!(try IPNetwork("172.16.0.0/12").contains(try #require(IPAddress("172.32.0.0")))))
    }

    @Test func addressesAreReadTheWaysHeadersWriteThem() throws {
        #expect(IPAddress("[2001:db8::1]")?.description == "2001:db8::1")
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        #expect(IPAddress("::ffff:192.0.2.7")?.description == "192.0.2.7", "IPv4-mapped is the IPv4 address")
        for text in ["", "example.com", "1.2.3", "1.2.3.4.5", "unknown", "_hidden", "::g", String(repeating: "1", count: 100)] {
            #expect(IPAddress(text) == nil, "'\(text)'")
        }
    }

    @Test func limitsCountIPv6ByItsSlash64() throws {
        #expect(IPAddress("2001:db8:1:2::1")?.limitKey == IPAddress("2001:db8:1:2:ffff::9")?.limitKey)
        #expect(IPAddress("2001:db8:1:2::1")?.limitKey != IPAddress("2001:db8:1:3::1")?.limitKey)
        #expect(IPAddress("2001:db8:1:2::1")?.limitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("192.0.2.1")?.limitKey == "192.0.2.1")
    }

    @Test func theWorkflowNamesThem() throws {
        let workflow = try Workflow.parse(
            yaml: "xmpp: { secret: s }\nhttp:\n  trusted_proxies: [127.0.0.1, \"10.0.0.0/8\", \"fd00::/8\"]\nqueues: [{ name: q }]\nagents: [{ jid: a@localhost }]\n",
            file: "test.yml", environment: [:])
        #expect(workflow.http?.trustedProxies.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"])
    }

    @Test func mistakesAreReportedWithTheirLines() {
        expectProblems(in: """
            xmpp:
              secret: s
            http:
              trusted_proxies:
                - 10.0.0.0/33
                - proxy.example.com
                - fd00::/129
            queues: [{ name: q }]
            agents: [{ jid: a@localhost }]
            """, [
                (5, "the prefix length must be a number from 0 to 32"),
                (6, "'proxy.example.com' is not an IP address or network"),
                (7, "the prefix length must be a number from 0 to 128"),
            ])
    }
}
