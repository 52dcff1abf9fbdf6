import Foundation
import SwitchboardTesting
import Testing
import XMPP

/// The widget in headless Chromium showing what an agent's XMPP client sends beyond text: a
/// correction edits the line it names, a read mark shows "Seen", a file is a link; after the
/// chat ends, "Download transcript" is offered.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WidgetExtrasBrowserTests {
    @Test func editsSeenMarksFilesAndTheTranscriptButton() async throws {
        try await WebHarness.with(accounts: ["alice"], workflow: WidgetBrowserTests.workflow) { web in
            try await WebDriver.with { driver in
                try await driver.browser { visitor in
                    try await visitor.open(web.url + "/?queue=support")
                    try await visitor.click("#sb-widget .sb-launcher")
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "Ask us anything")
                    try await visitor.type("#sb-widget .sb-input", "My parcel is late\u{E007}")
                    let alice = try await web.agent("alice")
                    let chat = try #require(try await alice.message("the offer", startingWith: "New chat").from)
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "chatting with Alice Agent")

                    try await visitor.type("#sb-widget .sb-input", "Order 4711\u{E007}")
                    let relayed = try await alice.message("the visitor's line", startingWith: "Order 4711")
                    var read = Message(to: chat)
                    read.chatMarker = ChatMarker(.displayed, id: try #require(relayed.id))
                    try await alice.send(read)
                    try await visitor.waitFor("#sb-widget .sb-visitor.sb-seen", containing: "Order 4711")

                    try await alice.send(Message(to: chat, id: "a1", body: "Let me chek"))
                    try await visitor.waitFor("#sb-widget .sb-agent", containing: "Let me chek")
                    var fix = Message(to: chat, id: "a2", body: "Let me check order 4711")
                    fix.replacesID = "a1"
                    try await alice.send(fix)
                    try await visitor.waitFor("#sb-widget .sb-agent.sb-edited", containing: "Let me check order 4711")
                    #expect(try await visitor.texts("#sb-widget .sb-agent").count == 1, "the correction edits the line, adds none")

                    var file = Message(to: chat, id: "a3", body: "https://files.example.net/label.pdf")
                    file.outOfBandURL = "https://files.example.net/label.pdf"
                    try await alice.send(file)
                    try await visitor.waitFor("#sb-widget a.sb-file", containing: "label.pdf")
                    let link = try await visitor.run(
                        "const a = document.querySelector('#sb-widget a.sb-file'); return [a.href, a.rel, a.target]") as? [String]
                    #expect(link == ["https://files.example.net/label.pdf", "noopener noreferrer", "_blank"])
                    try await visitor.run("document.querySelector('#sb-widget .sb-header').classList.remove('sb-flash')")
                    try await visitor.screenshot().write(to: try WidgetBrowserTests.screenshot("widget-extras.png"))

                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-transcript').hidden") as? Bool == true)
                    try await alice.send(Message(to: chat, body: "/close"))
                    try await visitor.waitFor("#sb-widget .sb-status", containing: "has ended")
                    #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-transcript').hidden") as? Bool == false)
                    let action = try await visitor.run("const f = document.querySelector('#sb-widget .sb-transcript'); return [f.method, f.action]")
                    #expect(action as? [String] == ["post", web.url + "/transcript"])
                }
            }
        }
    }
}
