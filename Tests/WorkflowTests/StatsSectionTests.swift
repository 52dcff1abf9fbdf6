import Foundation
import Testing
import Workflow

/// The `stats` section: where `switchboard stats` listens, its token and open `/metrics`.
@Suite struct StatsSectionTests {
    static let yaml = """
        xmpp: { secret: s }
        stats:
          listen: "[::1]:9091"
          token: ${SB_STATS_TOKEN}
          open_metrics: true
        agents:
          - jid: alice@localhost
        queues:
          - name: sales
        """

    @Test func readsAddressTokenAndOpenMetrics() throws {
        let loaded = try workflow(Self.yaml, environment: ["SB_STATS_TOKEN": "t0ken-from-the-environment"])
        let stats = try #require(loaded.stats)
        #expect(stats.host == "::1" && stats.port == 9091 && stats.listen == "[::1]:9091")
        #expect(stats.token?.value == "t0ken-from-the-environment")
        #expect(stats.openMetrics)
        #expect(!"\(loaded)".contains("t0ken"), "the token never shows in the workflow's description")
    }

    @Test func withoutTheSectionThereAreNoStatsSettings() throws {
        #expect(try workflow("xmpp: { secret: s }\nagents: [{ jid: a@localhost }]\nqueues: [{ name: sales }]").stats == nil)
    }

    @Test func anEmptyTokenOrABadValueIsAProblem() {
        expectProblems(in: Self.yaml, [(4, "token: the stats token is empty (write token: ${SB_STATS_TOKEN})")],
                       environment: ["SB_STATS_TOKEN": ""])
        expectProblems(in: Self.yaml.replacingOccurrences(of: "open_metrics: true", with: "open_metrics: sometimes"),
                       [(5, "open_metrics: must be true or false, not 'sometimes'")], environment: ["SB_STATS_TOKEN": "t"])
    }
}
