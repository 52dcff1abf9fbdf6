import Foundation
import LocalServices
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

extension ConsoleEndToEnd {
    /// The README's recipes for agents on stock clients, followed to the letter in the real
    /// clients in tmux (issue 17, acceptance): log in, let the router see the agent's presence,
    /// accept an offer, answer the visitor and close the chat.
    @Suite struct StockClientRecipeTests: LiveRouterSuite {
        /// profanity 0.13 (Debian): the recipe's `/roster add`, `/sub request`, `/sub allow`.
        @Test func profanityAsAnAgent() async throws {
            let profanity = try ChildProcess.executable("profanity")
            try await ConsoleLiveTests.withRouter(accounts: Self.accounts(ConsoleLiveTests.users), rules: Self.workflow(ConsoleLiveTests.yaml)) {
                (live: LiveRouter) in
                let directory = try RunDirectory.make("profanity-alice")
                // A home of its own: profanity keeps its settings, logs and trusted certificates there.
                let pane = try await ConsolePane(
                    command: "HOME=\(ConsolePane.quoted(directory)) \(ConsolePane.quoted(profanity))", directory: directory, width: 120, height: 35)
                try await withCleanup {
                    let domain = live.domain
                    try await pane.waitFor(text: "Type /help for help information")
                    try await pane.enter("/connect alice@localhost server 127.0.0.1 port \(live.server.c2sPort) tls trust")
                    try await pane.waitFor(text: "Enter password:")
                    try await pane.enter("secret")
                    try await pane.waitFor(text: "logged in successfully")
                    try await pane.enter("/roster add \(domain)")
                    try await pane.enter("/sub request \(domain)")
                    // The router answers and asks for Alice's presence in return: profanity shows it
                    // only once allowed (the README says so).
                    try await pane.waitFor(text: "Received authorization request from \(domain)")
                    try await pane.enter("/sub allow \(domain)")
                    _ = try await live.event("Alice available") {
                        $0["type"] == "presence" && $0["agent"] == "alice@localhost" && $0["presence"] == "available"
                    }

                    let visitor = try await live.connect("visitor1")
                    try await visitor.send(Message(to: try live.address("sales"), body: "Hello from the visitor"))
                    let chat = try await live.event("the offer") { $0["type"] == "offered" }["chat"] ?? ""
                    try await pane.waitFor(text: "chat-\(chat)@\(domain)")
                    try await pane.enter("/msg chat-\(chat)@\(domain) !accept")
                    _ = try await visitor.message("the assignment", startingWith: "You are now chatting with Alice")
                    // `/msg` opened the chat's window: a line typed there goes to the visitor.
                    try await pane.enter("How can I help?")
                    _ = try await visitor.message("Alice's line", startingWith: "How can I help?")
                    try await visitor.send(Message(to: try live.address("sales"), body: "Where is my parcel?"))
                    try await pane.waitFor(text: "Where is my parcel?")
                    try await pane.enter("!close")
                    _ = try await live.event("the close") { $0["type"] == "closed" && $0["chat"] == chat }
                } cleanup: {
                    await pane.stop()
                }
            }
        }

        /// mcabber 1.1 (Debian): STARTTLS with the server's certificate as `ssl_ca` (no
        /// `ssl_ignore_checks`), `/add` and `/authorization allow`, commands by `/say_to`.
        @Test func mcabberAsAnAgent() async throws {
            let mcabber = try ChildProcess.executable("mcabber")
            try await ConsoleLiveTests.withRouter(accounts: Self.accounts(ConsoleLiveTests.users), rules: Self.workflow(ConsoleLiveTests.yaml)) {
                (live: LiveRouter) in
                let directory = try RunDirectory.make("mcabber-alice")
                let domain = live.domain
                let configuration = "\(directory)/mcabberrc"
                try Self.mcabberConfiguration(port: live.server.c2sPort, certificate: live.server.certificateFile)
                    .write(toFile: configuration, atomically: true, encoding: .utf8)
                // mcabber refuses a configuration with a password that others may read.
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configuration)
                let pane = try await ConsolePane(
                    command: "HOME=\(ConsolePane.quoted(directory)) \(ConsolePane.quoted(mcabber)) -f \(ConsolePane.quoted(configuration))",
                    directory: directory, width: 120, height: 35)
                try await withCleanup {
                    try await pane.waitFor(text: "Connection established.")
                    try await pane.enter("/add \(domain)")
                    // The router's request for Alice's presence in return.
                    try await pane.waitFor(text: "<\(domain)> wants to subscribe to your presence updates")
                    try await pane.enter("/authorization allow \(domain)")
                    _ = try await live.event("Alice available") {
                        $0["type"] == "presence" && $0["agent"] == "alice@localhost" && $0["presence"] == "available"
                    }

                    let visitor = try await live.connect("visitor1")
                    try await visitor.send(Message(to: try live.address("sales"), body: "Hello from the visitor"))
                    let chat = try await live.event("the offer") { $0["type"] == "offered" }["chat"] ?? ""
                    // The roster shows the chat's address (cut to its width), marked unread.
                    try await pane.waitFor(text: "#{o} chat-\(chat)@")
                    try await pane.enter("/say_to chat-\(chat)@\(domain) !accept")
                    _ = try await visitor.message("the assignment", startingWith: "You are now chatting with Alice")
                    try await pane.enter("/say_to chat-\(chat)@\(domain) How can I help?")
                    _ = try await visitor.message("Alice's line", startingWith: "How can I help?")
                    try await pane.enter("/say_to chat-\(chat)@\(domain) !close")
                    _ = try await live.event("the close") { $0["type"] == "closed" && $0["chat"] == chat }
                } cleanup: {
                    await pane.stop()
                }
            }
        }

        /// The README's mcabberrc for the test's server.
        static func mcabberConfiguration(port: Int, certificate: String) -> String {
            """
            set jid = alice@localhost
            set password = secret
            set server = 127.0.0.1
            set port = \(port)
            set tls = 1
            set ssl_ca = \(certificate)
            set disable_random_resource = 0
            """
        }
    }
}
