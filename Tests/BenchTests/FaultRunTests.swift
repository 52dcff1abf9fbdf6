@testable import Bench
import Logging
import SwitchboardTesting
import Testing

/// The fault run of `switchboard bench --preset faults`, short (issue 13, item 5): 75 s of XMPP
/// and web visitors on ejabberd, 3 routers, 2 web nodes and Redis with Sentinel, through one
/// router kill, one master kill and one ejabberd restart. It checks what must hold whatever the
/// timing (nothing lost or doubled, capacity kept), never how long service took to resume.
@Suite struct FaultRunTests {
    @Test(.timeLimit(.minutes(10)))
    func aShortFaultRunLosesNoChatDoublesNoneAndKeepsCapacity() async throws {
        var logger = Logger(label: "fault-run")
        logger.logLevel = .warning
        let plan = FaultPlan.short
        let report = try await FaultRun.run(
            plan, executable: try SwitchboardBinary.path(), in: .tests, progress: { _ in }, logger: logger)
        print(report.table)
        #expect(report.rows.map(\.fault) == ["before any fault", "router 1 killed", "Redis master killed", "ejabberd restarted"])
        #expect(report.problems.filter { $0.hasPrefix("fault") }.isEmpty, "every fault's action done: \(report.problems)")
        // Only before the faults: how many chats a fault's window holds depends on the machine's pace.
        #expect(report.rows.first?.chats ?? 0 > 0, "chats before the faults")
        // Late bounces, which lost lines and offers around the ejabberd restart, are owed again
        // now (`LateBounceTests`). Known still (docs/SCALING.md), at the restart only: ejabberd
        // answers the ping behind an offer or line and then loses it with the agent's session as
        // it stops, with no bounce (once in a loaded full suite: an offer counted as told in the
        // second ejabberd closed the links). That is the XMPP server's own drop; everywhere else
        // a confirmed line or chat lost fails the run.
        let restart = report.rows.filter { $0.fault == "ejabberd restarted" }
        withKnownIssue("ejabberd can lose what it took as it stops (the XMPP server's own drop)", isIntermittent: true) {
            #expect(restart.map(\.acknowledgedLost).reduce(0, +) == 0, "no confirmed line lost at the restart: \(report.details)")
            #expect(restart.map(\.chatsLost).reduce(0, +) == 0, "no chat lost at the restart: \(report.details)")
        }
        let elsewhere = report.rows.filter { $0.fault != "ejabberd restarted" }
        #expect(elsewhere.map(\.acknowledgedLost).reduce(0, +) == 0, "no confirmed line lost: \(report.details)")
        #expect(elsewhere.map(\.chatsLost).reduce(0, +) == 0, "no chat lost: \(report.details)")
        #expect(report.total.capacityExceeded == 0, "no agent over its max_chats: \(report.breaches)")
        #expect(report.breaches.isEmpty, "Redis never showed a chat in two agents' sets at once, nor an agent over max_chats")
        #expect(report.redisSamples > 0)
        // Seen in about one run in two before `LateCopyTests`' fix: a late copy of a resent line,
        // handled after the visitor ended the chat, opened a second chat for another agent.
        #expect(report.total.twoAgents == 0, "no chat's lines at two agents: \(report.details)")
    }

    @Test func nonsensePlansAreRefused() {
        #expect(FaultPlan.full.problem == nil && FaultPlan.short.problem == nil)
        var plan = FaultPlan.short
        plan.durationSeconds = .nan
        #expect(plan.problem != nil)
        plan = .short
        plan.routerKillEverySeconds = 0.5
        #expect(plan.problem != nil)
        plan = .short
        plan.masterKillAtSeconds = 1000
        #expect(plan.problem != nil)
        plan = .short
        plan.xmppVisitors = 0
        plan.webVisitors = 0
        #expect(plan.problem != nil)
        plan = .short
        plan.webVisitors = 251
        #expect(plan.problem != nil)
        plan = .short
        plan.capacity = 101
        #expect(plan.problem != nil)
    }

    /// A router every `routerKillEverySeconds` in turn, at most `routerKills`, with the other two faults in order.
    @Test func theScheduleTakesTurnsAndKeepsOrder() {
        #expect(FaultPlan.short.schedule.map(\.fault) == [.routerKill(0), .masterKill, .ejabberdRestart])
        let full = FaultPlan.full.schedule
        #expect(full.count == 14 + 2)
        #expect(full.map(\.at) == full.map(\.at).sorted())
        #expect(full.filter { if case .routerKill = $0.fault { true } else { false } }.map(\.fault).prefix(4) == [.routerKill(0), .routerKill(1), .routerKill(2), .routerKill(0)])
    }
}
