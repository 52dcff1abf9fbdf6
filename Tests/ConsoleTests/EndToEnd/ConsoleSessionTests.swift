import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

extension ConsoleEndToEnd {
    /// The console's session end to end: plain line mode, logging in again after the server went
    /// away, and the supervisor's table, monitoring and whispers.
    @Suite struct ConsoleSessionTests: LiveRouterSuite {
        @Test func plainModePrintsEventsAndReadsCommands() async throws {
            try await ConsoleLiveTests.withConsole(arguments: ["--plain"]) { live, pane in
                try await pane.waitFor(text: "link: online as alice@localhost available")
                let visitor = try await live.connect("visitor1")
                try await visitor.send(Message(to: try live.address("sales"), body: "Plain \u{9B}2J hello"))
                try await pane.waitFor(text: "offer chat=1 queue=sales visitor=visitor1 waited=")
                try await pane.waitFor(text: "history chat=1: visitor1: Plain �2J hello")
                try await pane.enter("/accept")
                try await pane.waitFor(text: "notice chat=1: Accepted.")
                try await pane.enter("Hello from a script")
                #expect(try await visitor.message("the reply", startingWith: "Hello from").body == "Hello from a script")
                try await visitor.send(Message(to: try live.address("sales"), body: "Thanks\nbye"))
                try await pane.waitFor(text: "message chat=1 from=visitor1: Thanks ⏎ bye")
                try await pane.enter("/close")
                try await pane.waitFor(text: "notice chat=1: Closed.")
                try await pane.enter("/quit")
                try await pane.waitForExit()
            }
        }

        @Test func theConsoleLogsInAgainWhenTheServerComesBack() async throws {
            try await ConsoleLiveTests.withConsole { live, pane in
                await live.server.kill()
                try await pane.waitFor(text: "OFFLINE:")
                try await live.server.restart()
                try await pane.waitFor("the console online again") { screen in
                    screen[0].hasPrefix(" alice@localhost │ available") && !screen[0].contains("OFFLINE") && !screen[0].contains("connecting")
                }
                // The router, back as well, knows Alice is available: a new visitor's chat is offered to her.
                let visitor = try await live.connect("visitor1")
                // Until the router has rejoined the server, a message to a queue bounces: send again.
                try await poll(.seconds(30), "the router to take the visitor's message", every: .milliseconds(100)) {
                    try await visitor.send(Message(to: try live.address("sales"), body: "After the outage"))
                    return try await visitor.answer("the router's answer").error == nil
                }
                try await pane.waitFor(text: "New chat")
            }
        }

        @Test func supervisorsSeeTablesMonitorChatsAndWhisper() async throws {
            try await ConsoleLiveTests.withConsole(user: "carol") { live, pane in
                try await pane.waitFor(text: "│ supervisor")
                let bob = try await live.agent("bob")
                let visitor = try await live.connect("visitor1")
                try await visitor.send(Message(to: try live.address("support"), body: "Help me"))
                let offer = try await bob.offer("Bob's chat")
                let chat = try #require(offer.from?.chatID)

                try await pane.press("M-s")
                try await pane.waitFor("the agent table") { screen in
                    screen.contains { $0.contains("Bob") && $0.contains("available") && $0.contains("1/3 chats") && $0.contains("bob@localhost") }
                        && screen.contains { $0.contains("Alice") && $0.contains("offline") }
                }

                try await pane.enter("/monitor \(chat)")
                try await pane.waitFor(text: "chat \(chat) · monitoring (read-only)")
                try await pane.waitFor(text: "[visitor] visitor1@localhost: Help me")
                try await visitor.send(Message(to: try live.address("support"), body: "Anyone?"))
                try await pane.waitFor(text: "-- [visitor] Anyone?")

                try await pane.enter("/whisper \(chat) offer a discount")
                try await pane.waitFor(text: "Whispered to Bob.")
                #expect(try await bob.message("the whisper", startingWith: "[whisper from Carol]").body == "[whisper from Carol] offer a discount")
                try await pane.enter("You cannot write here")
                try await pane.waitFor(text: "No active chat to write to")
            }
        }
    }
}

extension ConsoleEndToEnd {
    /// Logins that retrying cannot mend are not retried.
    @Suite struct ConsoleLoginTests: LiveRouterSuite {
        @Test func aRefusedPasswordIsNotRetried() async throws {
            try await Self.withRouter(accounts: Self.accounts(["alice"]), rules: Self.workflow(ConsoleLiveTests.yaml)) { (live: LiveRouter) in
                let file = try RunDirectory.make("password") + "/password"
                try "wrong\n".write(toFile: file, atomically: true, encoding: .utf8)
                try await ConsolePane.with(live, user: "alice", width: 140, arguments: ["--password-file", file]) { pane in
                    try await pane.waitFor(text: "OFFLINE: the server refused the login (not-authorized) (not retrying; ^C quits)")
                    try await pane.press("C-c")
                    try await pane.waitForExit()
                }
            }
        }

        @Test func thePasswordPromptDoesNotEcho() async throws {
            try await Self.withRouter(accounts: Self.accounts(["alice"]), rules: Self.workflow(ConsoleLiveTests.yaml)) { (live: LiveRouter) in
                try await ConsolePane.with(live, user: "alice", password: nil) { pane in
                    try await pane.waitFor(text: "Password for alice@localhost:")
                    try await pane.type("secret")
                    // What was typed is not on screen (the prompt reads with echo off).
                    try await pane.type("-marker")
                    try await pane.press("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
                    let screen = try await pane.screen()
                    #expect(!screen.joined().contains("secret") && !screen.joined().contains("marker"))
                    try await pane.press("Enter")
                    try await pane.waitFor(text: "alice@localhost │ available")
                }
            }
        }

        @Test func anotherLoginOfTheAccountTakesOverWithoutAFight() async throws {
            try await ConsoleLiveTests.withConsole(width: 140) { live, pane in
                var configuration = try live.server.clientConfiguration("alice")
                configuration.jid = try JID("alice@localhost/console")
                let other = try await XMPPClient.connect(configuration, logger: Self.logger)
                try await pane.waitFor(text: "OFFLINE: replaced by another login of this account (not retrying; ^C quits)")
                try await other.send(Presence())
                await other.close()
            }
        }
    }
}
