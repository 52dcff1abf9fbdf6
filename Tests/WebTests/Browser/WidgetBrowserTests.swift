import Foundation
import SwitchboardTesting
import Testing
import XMPP

/// The widget in headless Chromium against the real router, Redis and Prosody, with an agent on
/// XMPP on the other side.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WidgetBrowserTests {
    static let workflow = """
        queues:
          - name: support
            title: Support
            skills: [support]
        agents:
          - jid: alice@localhost
            name: Alice Agent
            skills: { support: 5 }
            max_chats: 3
        """

    /// `docs/` in the repository: the screenshot of a chat is kept there.
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs")

    /// Where a screenshot goes: docs/ when asked (SB_UPDATE_SCREENSHOTS=1), so the README's pictures
    /// are refreshed on purpose; otherwise .run/tests, and a plain run leaves the tree clean.
    static func screenshot(_ name: String) throws -> URL {
        let folder = ProcessInfo.processInfo.environment["SB_UPDATE_SCREENSHOTS"] == "1"
            ? docs : URL(fileURLWithPath: try RunDirectory.make("widget-screenshot"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    static let script = "Hi <script>window.hacked = 1</script><b>bold?</b>"

    @Test func aVisitorChatsWithAnAgentResumesAfterAReloadAndSeesNoOtherChat() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow) { web in
            try await WebDriver.with { driver in
                try await driver.browser { visitor in
                    // Keeps the page's WebSockets at hand, so the test can cut one as a network would.
                    try await visitor.beforeEveryPage("""
                        (function () {
                          const Native = window.WebSocket;
                          window.__sockets = [];
                          window.WebSocket = function (url, protocols) {
                            const socket = new Native(url, protocols);
                            window.__sockets.push(socket);
                            return socket;
                          };
                          window.WebSocket.prototype = Native.prototype;
                          ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(k => { window.WebSocket[k] = Native[k]; });
                        })();
                        """)
                    try await visitor.open(web.url + "/?queue=support")
                    try await visitor.click("#sb-widget .sb-launcher")
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "Ask us anything")

                    // Queued: the position shows, and the text arrives as text.
                    try await visitor.type("#sb-widget .sb-input", Self.script + "\u{E007}")
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "next in line")
                    try await visitor.waitFor("#sb-widget .sb-line.sb-visitor:not(.sb-pending)", containing: "<script>")
                    #expect(try await visitor.texts("#sb-widget .sb-visitor") == [Self.script])
                    // Issue 17: the visitor's first message showed below the welcome that answered it.
                    let order = try await visitor.texts("#sb-widget .sb-line")
                    let own = order.firstIndex(of: Self.script), welcome = order.firstIndex { $0.hasPrefix("Welcome") }
                    #expect(own != nil && welcome != nil && own! < welcome!, "\(order)")
                    // Issue 17: the demo page had no favicon (a 404 on every visit).
                    #expect(try await visitor.run("return document.querySelector('link[rel=icon]').href.startsWith('data:image/svg+xml')") as? Bool == true)
                    #expect(try await visitor.run("return typeof window.hacked") as? String == "undefined")
                    #expect(try await visitor.run("return document.querySelectorAll('#sb-widget script, #sb-widget b').length") as? Int == 0)

                    // An agent comes: assigned, typing, messages both ways.
                    let alice = try await web.agent("alice")
                    let offer = try await alice.message("the offer", startingWith: "New chat")
                    #expect(offer.body?.contains(Self.script) == true)
                    let chat = try #require(offer.from)
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "chatting with Alice Agent")
                    var typing = Message(to: chat)
                    typing.chatState = .composing
                    try await alice.send(typing)
                    try await visitor.waitUntil("the typing indicator") {
                        try await visitor.run("const t = document.querySelector('#sb-widget .sb-typing'); return !t.hidden && t.textContent") as? String
                            == "Alice Agent is typing…"
                    }
                    try await alice.send(Message(to: chat, body: "Hello! <i>How</i> can I help?"))
                    try await visitor.waitFor("#sb-widget .sb-agent", containing: "How</i> can I help?")
                    #expect(try await visitor.texts("#sb-widget .sb-agent") == ["Alice AgentHello! <i>How</i> can I help?"])
                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-typing').hidden") as? Bool == true)
                    try await visitor.type("#sb-widget .sb-input", "My order 42 did not arrive.\u{E007}")
                    #expect(try await alice.message("the visitor's reply", startingWith: "My order 42").from == chat)
                    try await visitor.waitUntil("the reply confirmed") { try await visitor.texts("#sb-widget .sb-pending").isEmpty }

                    // The header's flash on a reply would make every screenshot a little different.
                    try await visitor.run("document.querySelector('#sb-widget .sb-header').classList.remove('sb-flash')")
                    // docs/widget-chat.png is refreshed on request (SB_UPDATE_SCREENSHOTS=1); a plain run
                    // leaves the tree clean and keeps its screenshot in .run/tests.
                    try await visitor.screenshot().write(to: try Self.screenshot("widget-chat.png"))

                    // Minimised: an agent reply shows as an unread badge.
                    try await visitor.click("#sb-widget .sb-minimise")
                    try await alice.send(Message(to: chat, body: "Let me check."))
                    try await visitor.waitFor("#sb-widget .sb-badge", containing: "1")
                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-badge').hidden") as? Bool == false)
                    try await visitor.click("#sb-widget .sb-launcher")
                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-badge').hidden") as? Bool == true)

                    // A reload resumes the same chat with its transcript.
                    let before = try await visitor.texts("#sb-widget .sb-line:not(.sb-system)")
                    try await visitor.reload()
                    try await visitor.click("#sb-widget .sb-launcher")
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "chatting with Alice Agent")
                    try await visitor.waitUntil("the transcript again") {
                        try await visitor.texts("#sb-widget .sb-line:not(.sb-system)") == before
                    }
                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-badge').hidden") as? Bool == true,
                            "replayed lines are not unread")
                    let token = try await visitor.run("return localStorage.getItem(Object.keys(localStorage)[0])") as? String

                    // The connection drops: what the visitor writes meanwhile is sent once it is back.
                    try await visitor.run("window.__sockets[window.__sockets.length - 1].close()")
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "Reconnecting")
                    try await visitor.type("#sb-widget .sb-input", "Written while offline\u{E007}")
                    #expect(try await alice.message("the message written offline", startingWith: "Written while offline").from == chat)
                    try await visitor.waitUntil("the message confirmed") { try await visitor.texts("#sb-widget .sb-pending").isEmpty }
                    #expect(try await visitor.texts("#sb-widget .sb-visitor").filter { $0 == "Written while offline" }.count == 1)

                    // Another browser (another visitor, on a phone-sized screen) sees nothing of it.
                    try await driver.browser(width: 390, height: 800, mobile: true) { other in
                        try await other.open(web.url + "/?queue=support")
                        try await other.click("#sb-widget .sb-launcher")
                        try await other.waitFor("#sb-widget .sb-status", containing: "Ask us anything")
                        let width = try await other.run("return [document.querySelector('#sb-widget .sb-panel').getBoundingClientRect().width, window.innerWidth]") as? [Int]
                        #expect(width?.count == 2 && width?[0] == width?[1], "the open chat fills a narrow screen: \(String(describing: width))")
                        try await other.type("#sb-widget .sb-input", "Second visitor here\u{E007}")
                        try await other.waitFor("#sb-widget .sb-line.sb-visitor:not(.sb-pending)", containing: "Second visitor")
                        #expect(try await other.texts("#sb-widget .sb-line:not(.sb-system)") == ["Second visitor here"])
                        let otherToken = try await other.run("return localStorage.getItem(Object.keys(localStorage)[0])") as? String
                        #expect(otherToken != nil && otherToken != token)
                    }
                }
            }
        }
    }
}

/// The widget's forms: the details a queue asks for, and the message form when nobody can answer.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WidgetFormBrowserTests {
    static let workflow = """
        queues:
          - name: billing
            title: Billing
            skills: [billing]
            when_no_agents: close
            web_form: [name, email]
        agents:
          - jid: alice@localhost
            name: Alice Agent
            skills: { billing: 5 }
            max_chats: 3
        """

    @Test func theMessageFormWhenNobodyCanAnswerAndTheDetailsFormBeforeAChat() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow) { web in
            try await WebDriver.with { driver in
                try await driver.browser { visitor in
                    try await visitor.open(web.url + "/?queue=billing")
                    try await visitor.click("#sb-widget .sb-launcher")
                    try await visitor.waitUntil("the message form") {
                        try await visitor.run("return document.querySelector('#sb-widget .sb-offline').hidden") as? Bool == false
                    }
                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-composer').hidden") as? Bool == true)
                    try await visitor.type("#sb-widget .sb-offline-name", "Ann")
                    try await visitor.type("#sb-widget .sb-offline-email", "ann@example.com")
                    try await visitor.type("#sb-widget .sb-offline-text", "Please call me <back>")
                    try await visitor.click("#sb-widget .sb-offline-send")
                    try await visitor.waitFor("#sb-widget .sb-system", containing: "your message is kept")
                    try await visitor.waitFor("#sb-widget .sb-visitor", containing: "Please call me <back>")
                }

                let alice = try await web.availableAgent("alice")
                try await driver.browser { visitor in
                    try await visitor.open(web.url + "/?queue=billing")
                    try await visitor.click("#sb-widget .sb-launcher")
                    try await visitor.waitUntil("the details form") {
                        try await visitor.run("return document.querySelector('#sb-widget .sb-details').hidden") as? Bool == false
                    }
                    try await visitor.type("#sb-widget .sb-name", "Bob Visitor")
                    try await visitor.type("#sb-widget .sb-email", "bob@example.com")
                    try await visitor.click("#sb-widget .sb-start")
                    try await visitor.waitUntil("the chat to open") {
                        try await visitor.run("return document.querySelector('#sb-widget .sb-composer').hidden") as? Bool == false
                    }
                    try await visitor.type("#sb-widget .sb-input", "About my invoice\u{E007}")
                    let offer = try await alice.message("the offer", startingWith: "New chat")
                    #expect(offer.body?.contains("from Bob Visitor <bob@example.com>") == true, "\(offer.body ?? "")")
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "chatting with Alice Agent")
                }
            }
        }
    }
}
