import Foundation
import SwitchboardTesting
import Testing
import XMPP

/// The widget's star row in headless Chromium: after an agent closes the chat of a queue with
/// `csat: true`, the visitor clicks a star and the rating is kept for that chat.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WidgetRatingBrowserTests {
    static let workflow = """
        queues:
          - name: support
            title: Support
            skills: [support]
            csat: true
        agents:
          - jid: alice@localhost
            name: Alice Agent
            skills: { support: 5 }
        """

    @Test func theStarRowRatesTheClosedChat() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow) { web in
            let alice = try await web.availableAgent("alice")
            try await WebDriver.with { driver in
                try await driver.browser { visitor in
                    try await visitor.open(web.url + "/?queue=support")
                    try await visitor.click("#sb-widget .sb-launcher")
                    try await visitor.type("#sb-widget .sb-input", "Where is my parcel?\u{E007}")
                    let chat = try #require(try await alice.message("the chat", startingWith: "New chat").from)
                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-rating').hidden") as? Bool == true)
                    try await alice.send(Message(to: chat, body: "It arrives tomorrow."))
                    try await alice.send(Message(to: chat, body: "/close"))
                    try await visitor.waitUntil("the star row") {
                        try await visitor.run("return document.querySelector('#sb-widget .sb-rating').hidden") as? Bool == false
                    }
                    // After a reload the chat may still be rated.
                    try await visitor.reload()
                    try await visitor.click("#sb-widget .sb-launcher")
                    try await visitor.waitUntil("the star row again") {
                        try await visitor.run("return document.querySelector('#sb-widget .sb-rating').hidden") as? Bool == false
                    }
                    try await visitor.type("#sb-widget .sb-rating-comment", "Clear answer")
                    try await visitor.run("document.querySelector('#sb-widget .sb-header').classList.remove('sb-flash')")
                    try FileManager.default.createDirectory(at: WidgetBrowserTests.docs, withIntermediateDirectories: true)
                    try await visitor.screenshot().write(to: try WidgetBrowserTests.screenshot("widget-rating.png"))
                    try await visitor.click("#sb-widget .sb-star[data-score='4']")
                    try await visitor.waitFor("#sb-widget .sb-log", containing: "Thank you for your rating")
                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-rating').hidden") as? Bool == true)
                    let local = try #require(chat.local)
                    let fields = try #require(try await web.store.chat(String(local.dropFirst("chat-".count))))
                    #expect(fields["rating"] == "4" && fields["rating_comment"] == "Clear answer")
                }
            }
        }
    }
}
