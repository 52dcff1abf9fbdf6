import Foundation
import LocalServices
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

extension ConsoleEndToEnd {
    /// The README's recipes for agents on stock clients, followed to the letter in the real
    /// clients in tmux (Gajim under Xvfb; issue 17, acceptance): log in, let the router see the agent's presence,
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

        /// Gajim 1.7 (Debian) under Xvfb, as an unprivileged user with a D-Bus session of its own
        /// (`GajimDesktop`): the recipe's steps done in Gajim's windows with xdotool. Its account is
        /// set up in its settings (what the account window would leave there, the server's
        /// certificate trusted as "accept the certificate when asked" does).
        @Test func gajimAsAnAgent() async throws {
            try await ConsoleLiveTests.withRouter(accounts: Self.accounts(ConsoleLiveTests.users), rules: Self.workflow(ConsoleLiveTests.yaml)) {
                (live: LiveRouter) in
                let account = GajimDesktop.Account(
                    user: "alice", domain: live.server.domain, password: "secret", port: live.server.c2sPort,
                    certificate: live.server.certificateFile)
                try await GajimDesktop.with(account) { gajim in
                    let domain = live.domain
                    // Accounts → Add Contact…, the service's address, Next, Add Contact with "Share
                    // status" on as it is by default: Gajim then allows the router's request for
                    // Alice's presence by itself, so there is nothing to accept.
                    try await gajim.addContact(domain)
                    _ = try await live.event("Alice available") {
                        $0["type"] == "presence" && $0["agent"] == "alice@localhost" && $0["presence"] == "available"
                    }

                    let visitor = try await live.connect("visitor1")
                    try await visitor.send(Message(to: try live.address("sales"), body: "Hello from the visitor"))
                    let chat = try await live.event("the offer") { $0["type"] == "offered" }["chat"] ?? ""
                    let address = "chat-\(chat)@\(domain)"
                    let offer = try await poll(.seconds(60), "the offer in Gajim's archive", every: .seconds(1)) {
                        try gajim.checkRunning()
                        return try await gajim.archivedMessages(.received, with: address).first { $0.hasPrefix("New chat \(chat)") }
                    }
                    #expect(offer.contains("visitor1: Hello from the visitor"), "the visitor's words in the offer")
                    #expect(offer.contains("!accept"), "the offer says what to type in Gajim")
                    // Gajim names the chat from the PEP nick the router sends with its presence, not "chat-N".
                    let name = try await poll(.seconds(60), "the chat's name in Gajim's cache", every: .seconds(1)) {
                        try gajim.checkRunning()
                        return try await gajim.cachedNickname(of: address)
                    }
                    #expect(name == "visitor1", "the chat is named for its visitor")

                    try await Self.say("!accept", in: address, gajim)
                    _ = try await visitor.message("the assignment", startingWith: "You are now chatting with Alice")
                    try await Self.say("How can I help?", in: address, gajim)
                    _ = try await visitor.message("Alice's line", startingWith: "How can I help?")
                    try await visitor.send(Message(to: try live.address("sales"), body: "Where is my parcel?"))
                    _ = try await poll(.seconds(60), "the visitor's line in Gajim's archive", every: .seconds(1), until: { () async throws -> Bool in
                        try await gajim.archivedMessages(.received, with: address).contains("Where is my parcel?")
                    })
                    try await Self.say("!close", in: address, gajim)
                    _ = try await live.event("the close") { $0["type"] == "closed" && $0["chat"] == chat }
                    // The chat as Gajim showed it (also proves the screenshot a failure leaves works).
                    try await gajim.screenshot("\(gajim.directory)/chat.png")
                }
            }
        }

        /// A visitor in Gajim who adds a queue's address sees its avatar (issue 17, item 6): the
        /// router's presence carries the picture's SHA-1, Gajim fetches the vCard, checks the hash
        /// and keeps the picture in its avatar cache under that hash.
        @Test func gajimFetchesAQueuesAvatar() async throws {
            let folder = try RunDirectory.make("gajim-avatar")
            let picture = try #require(FileManager.default.contents(atPath: "\(RunDirectory.repositoryRoot)/Workflows/examples/orders.png"))
            FileManager.default.createFile(atPath: "\(folder)/sales.png", contents: picture)
            let yaml = ConsoleLiveTests.yaml.replacingOccurrences(
                of: "  - name: sales\n", with: "  - name: sales\n    title: Sales\n    avatar: \(folder)/sales.png\n")
            try await ConsoleLiveTests.withRouter(accounts: Self.accounts(ConsoleLiveTests.users), rules: Self.workflow(yaml)) {
                (live: LiveRouter) in
                let account = GajimDesktop.Account(
                    user: "visitor1", domain: live.server.domain, password: "secret", port: live.server.c2sPort,
                    certificate: live.server.certificateFile)
                try await GajimDesktop.with(account) { gajim in
                    try await gajim.addContact("sales@\(live.domain)")
                    let sha1 = Hex.encode(Digest.sha1(Array(picture)))
                    let cached = try await poll(.seconds(60), "the avatar in Gajim's cache", every: .milliseconds(500)) {
                        try gajim.checkRunning()
                        return FileManager.default.contents(atPath: "\(gajim.profile)/avatars/\(sha1)")
                    }
                    #expect(cached == picture, "the workflow's file, byte for byte")
                    let name = try await poll(.seconds(60), "the queue's name in Gajim's cache", every: .milliseconds(500)) {
                        try gajim.checkRunning()
                        return try await gajim.cachedNickname(of: "sales@\(live.domain)")
                    }
                    #expect(name == "Sales", "the queue's title, not its local part")
                    try await gajim.screenshot("\(gajim.directory)/avatar.png")
                }
            }
        }

        /// Types `text` and Enter in Gajim's chat with `address`, selected as a click on it in the
        /// chat list does, until Gajim's archive holds it as sent: keys typed before the message
        /// field had the focus are typed again (the field cleared first).
        static func say(_ text: String, in address: String, _ gajim: GajimDesktop) async throws {
            let before = try await gajim.archivedMessages(.sent, with: address).count(where: { $0 == text })
            try await gajim.retrying("Gajim to send '\(text)' to \(address)") {
                try await gajim.open("xmpp:\(address)?message")
                let main = try await gajim.mainWindow()
                try await gajim.press(["ctrl+a", "BackSpace"], in: main)
                try await gajim.type(text, in: main)
                try await gajim.press(["Return"], in: main)
            } until: {
                try await gajim.archivedMessages(.sent, with: address).count(where: { $0 == text }) > before
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
