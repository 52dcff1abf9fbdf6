import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

extension ConsoleEndToEnd {
    /// The console's rough edges found in trials (issue 17), each shown mended in tmux.
    @Suite struct ConsoleRoughEdgeTests: LiveRouterSuite {
        /// Tab's candidates stayed in the keys line through later commands.
        @Test func completionCandidatesGoOnceTheCommandIsDone() async throws {
            @Sendable func keys(_ screen: [String]) -> String { screen.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "" }
            try await ConsoleLiveTests.withConsole(width: 120) { live, pane in
                _ = try await ConsoleLiveTests.chatAccepted(live, pane, visitor: "visitor1", queue: "support")
                try await pane.type("/canned g")
                // The canned keys are learnt from the router after the chat came: Tab until they are.
                try await poll(.seconds(30), "the candidates in the keys line", every: .milliseconds(500), until: {
                    try await pane.press("Tab")
                    let line = keys(try await pane.screen())
                    return line.contains("greeting") && line.contains("goodbye")
                })
                try await pane.press("C-u")
                try await pane.enter("/note called back")
                try await pane.waitFor(text: "[note] me: called back")
                let screen = try await pane.screen()
                #expect(!keys(screen).contains("greeting") && !keys(screen).contains("goodbye"), "\(keys(screen))")
                try await pane.resize(width: 100, height: 30)
                try await pane.press("C-l")
                try await pane.waitFor("the redrawn keys line") { keys($0).hasSuffix("/help") }
                #expect(!keys(try await pane.screen()).contains("greeting"))
            }
        }

        /// "(earlier)" lines showed the time the offer came, not when the visitor wrote them.
        @Test func earlierLinesShowWhenTheVisitorWrote() async throws {
            try await ConsoleLiveTests.withConsole(width: 120) { live, pane in
                try await pane.press("M-p")
                try await pane.waitFor(text: "alice@localhost │ away")
                _ = try await live.event("Alice away") { $0["type"] == "presence" && $0["presence"] == "away" }
                let visitor = try await live.connect("visitor1")
                let before = Date()
                try await visitor.send(Message(to: try live.address("sales"), body: "Written early"))
                _ = try await live.event("the chat queued") { $0["type"] == "queued" }
                let queued = Date()
                // Time must pass between writing and the offer for the two times to differ: no
                // event marks it, so wait for the clock (bounded), not for the router.
                try await poll(.seconds(10), "three seconds to pass", every: .milliseconds(200), until: { Date().timeIntervalSince(queued) >= 3 })
                try await pane.enter("/available")
                try await pane.waitFor(text: "New chat")
                let line = try await pane.waitFor(text: "(earlier) visitor1: Written early").first { $0.contains("(earlier) visitor1") }!
                let clock = try #require(line.firstMatch(of: /(\d\d):(\d\d):(\d\d) \(earlier\)/), "\(line)")
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = .current
                var shown = try #require(calendar.date(bySettingHour: Int(clock.1)!, minute: Int(clock.2)!, second: Int(clock.3)!, of: before))
                if shown.timeIntervalSince(before) > 43_200 { shown -= 86_400 }  // across midnight
                if before.timeIntervalSince(shown) > 43_200 { shown += 86_400 }
                // Shown to the second: between the second the visitor wrote and the chat was queued,
                // plus up to a second (the offer gives ages in whole seconds, rounded down, and the
                // console subtracts them from its clock); the offer came 3 s later.
                #expect(shown >= before.addingTimeInterval(-1) && shown <= queued.addingTimeInterval(1),
                        "\(line): written between \(before) and \(queued)")
            }
        }

        /// `--plain` after a refused login kept running and exited 0.
        @Test func plainModeExitsWithFailureWhenTheLoginIsRefused() async throws {
            try await Self.withRouter(accounts: Self.accounts(["alice"]), rules: Self.workflow(ConsoleLiveTests.yaml)) { (live: LiveRouter) in
                try await ConsolePane.with(live, user: "alice", arguments: ["--plain"], shell: Self.tellsExitStatus, password: "wrong") { pane in
                    try await pane.waitFor(text: "the server refused the login (not-authorized)")
                    try await pane.waitFor(text: "console exited with 1")
                }
            }
        }

        /// Without `--tls-ca` a self-signed certificate was retried forever with no hint.
        @Test func anUntrustedCertificateSaysWhatToPassAndIsNotRetried() async throws {
            try await Self.withRouter(accounts: Self.accounts(["alice"]), rules: Self.workflow(ConsoleLiveTests.yaml)) { (live: LiveRouter) in
                try await ConsolePane.with(
                    live, user: "alice", width: 200, arguments: ["--plain"], shell: Self.tellsExitStatus, trustsServer: false
                ) { pane in
                    try await pane.waitFor(text: "certificate was refused (self-signed certificate): pass --tls-ca")
                    try await pane.waitFor(text: "not retrying")
                    try await pane.waitFor(text: "console exited with 1")
                }
            }
        }

        /// The console in a shell that says how it ended and stays on screen: tmux's own record of
        /// a dead pane's status (`pane_dead_status`) was sometimes never set in full runs.
        static let tellsExitStatus = "%@; echo \"console exited with $?\"; sleep 600"
    }
}
