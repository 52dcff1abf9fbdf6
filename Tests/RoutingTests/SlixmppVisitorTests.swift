import Foundation
import LocalServices
@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// A visitor on slixmpp, a stock XMPP library with its own XEP-0066, -0308 and -0333 plugins (what
/// bots and scripted visitors run), against the router and an agent: a file, a correction and
/// read marks cross both ways under the ids each side knows; its OMEMO message is refused; it
/// rates the chat after the close.
@Suite struct SlixmppVisitorTests: LiveRouterSuite {
    /// As ConversationExtrasTests', with ratings asked after the close.
    static let yaml = """
        queues:
          - { name: sales, skills: [sales], csat: true }
        agents:
          - { jid: alice@localhost, name: Alice, skills: { sales: 5 } }
        """

    /// The first Python with slixmpp: the one on PATH (pip), or Debian's (apt, `Scripts/setup`).
    static func python() async throws -> String {
        for candidate in [try? ChildProcess.executable("python3"), "/usr/bin/python3"].compactMap({ $0 }) {
            guard let check = try? ChildProcess(candidate, ["-c", "import slixmpp"]) else { continue }
            if await check.waitForExit() == 0 { return candidate }
        }
        throw LocalServicesError.missing("no python3 with slixmpp: run Scripts/setup (python3-slixmpp)")
    }

    @Test func filesCorrectionsAndReadMarksFromAStockClient() async throws {
        try await Self.withRouter(accounts: Self.accounts(["alice", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let alice = try await live.agent("alice")
            let directory = try RunDirectory.make("slixmpp-visitor")
            try Self.script.write(toFile: "\(directory)/visitor.py", atomically: true, encoding: .utf8)
            let log = "\(directory)/visitor.log"
            let visitor = try ChildProcess(
                try await Self.python(),
                ["\(directory)/visitor.py", "visitor1@localhost/slixmpp", "secret", String(live.prosody.c2sPort), "sales@\(live.domain)"],
                logFile: log)
            try await withCleanup {
                let chat = try #require(try await alice.offer("the chat").from)
                let file = try await ConversationExtrasTests.line(alice, from: chat, "the visitor's file")
                #expect(file.outOfBandURL == "https://upload.example.net/slix/receipt.png" && file.body == file.outOfBandURL)

                try await alice.send(ConversationExtrasTests.file(to: chat, id: "a-file", "https://upload.example.net/desk/invoice.pdf"))
                let typo = try await ConversationExtrasTests.line(alice, from: chat, "the typo")
                let fix = try await ConversationExtrasTests.line(alice, from: chat, "the correction")
                let typoID = try #require(typo.id)
                #expect(typo.body == "I ordred a chair" && typo.element.child("markable", namespace: Namespace.chatMarkers) != nil)
                #expect(fix.body == "I ordered a chair" && fix.replacesID == typoID, "\(fix.element)")
                var read = Message(to: chat)
                read.chatMarker = ChatMarker(.displayed, id: typoID)
                try await alice.send(read)

                try await alice.send(Message(to: chat, id: "a1", body: "Which one?"))
                var better = Message(to: chat, id: "a2", body: "Which chair?")
                better.replacesID = "a1"
                try await alice.send(better)
                let mark = try await ConversationExtrasTests.marker(alice, "the visitor's read mark")
                #expect(mark.marker == ChatMarker(.displayed, id: "a1"))
                let note = try await ConversationExtrasTests.line(alice, from: chat, "the note on the OMEMO message")
                #expect(note.body == "[router] " + MessageRelay.encryptedNote)
                // Closed: slixmpp is asked to rate the chat and answers with a digit and a comment.
                try await alice.send(Message(to: chat, body: "/close"))
                let rated = try await live.event("the visitor's rating") { $0["type"] == "rated" }
                #expect(rated["score"] == "5" && rated["comment"] == "quick and kind" && rated["chat"] == chat.chatID, "\(rated)")

                let status = try await within(.seconds(60), "slixmpp to finish") { await visitor.waitForExit() }
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                let last = output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? "{}"
                let seen = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: String] ?? [:]
                #expect(status == 0 && seen["error"] == nil, "slixmpp: \(output)")
                #expect(seen["agent_file"] == "https://upload.example.net/desk/invoice.pdf", "\(seen)")
                #expect(seen["agent_file_body"] == "https://upload.example.net/desk/invoice.pdf")
                #expect(seen["agent_file_id"]?.hasPrefix("sb-") == true)
                #expect(seen["marked"] == "slix-typo", "Alice's mark names the visitor's own id: \(seen)")
                let questionID = try #require(seen["agent_question_id"])
                #expect(questionID.hasPrefix("sb-") && seen["agent_correction_replaces"] == questionID, "\(seen)")
                #expect(seen["agent_correction_body"] == "Which chair?")
                #expect(seen["omemo_notice"] == MessageRelay.encryptedToVisitor)
                #expect(seen["thanks"]?.hasPrefix("Thank you for your rating") == true, "\(seen)")
                let kept = try await live.store.transcript(try #require(chat.chatID)).map(\.text)
                #expect(!kept.contains { $0.contains("OMEMO encrypted message") }, "the fallback text is never kept: \(kept)")
            } cleanup: {
                await visitor.stop()
            }
        }
    }

    static let script = #"""
# A visitor on slixmpp (a stock XMPP library, its own XEP plugins): files, corrections, read
# marks and an OMEMO message, against the router; prints what it saw as one JSON line.
import asyncio, json, sys
import xml.etree.ElementTree as ET
import slixmpp

jid, password, port, sales = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
MARKERS = "urn:xmpp:chat-markers:0"
OOB = "jabber:x:oob"
CORRECT = "urn:xmpp:message-correct:0"


class Visitor(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(jid, password)
        for plugin in ("xep_0030", "xep_0066", "xep_0308", "xep_0333"):
            self.register_plugin(plugin)
        self["feature_mechanisms"].unencrypted_plain = True
        self.inbox = asyncio.Queue()
        self.add_event_handler("session_start", self.start)
        # slixmpp's "message" is only for messages with a body; read marks come as "marker".
        self.add_event_handler("message", lambda m: self.inbox.put_nowait(m))
        self.add_event_handler("marker", lambda m: self.inbox.put_nowait(m))
        self.seen = {}

    async def next(self, what, test):
        while True:
            message = await asyncio.wait_for(self.inbox.get(), 60)
            if message["from"].bare == sales and test(message.xml):
                return message.xml

    async def start(self, _):
        try:
            await self.script()
        except Exception as error:  # reported, not swallowed: the test reads it
            self.seen["error"] = repr(error)
        self.disconnect()

    def body(self, xml):
        node = xml.find("{jabber:client}body")
        return node.text if node is not None else None

    async def script(self):
        self.send_presence()
        self.send_message(mto=sales, mbody="Hello from slixmpp", mtype="chat")
        await self.next("the agent", lambda x: (self.body(x) or "").startswith("You are now chatting"))

        # A file, as XEP-0363 clients send it after the upload: the URL as body and OOB.
        url = "https://upload.example.net/slix/receipt.png"
        message = self.make_message(mto=sales, mbody=url, mtype="chat")
        message["id"] = "slix-file"
        message["oob"]["url"] = url
        message.send()
        got = await self.next("the agent's file", lambda x: x.find("{%s}x" % OOB) is not None)
        self.seen["agent_file"] = got.find("{%s}x/{%s}url" % (OOB, OOB)).text
        self.seen["agent_file_body"] = self.body(got)
        self.seen["agent_file_id"] = got.get("id")

        # A typo, asking for read marks, then its correction (XEP-0308 names the first id).
        message = self.make_message(mto=sales, mbody="I ordred a chair", mtype="chat")
        message["id"] = "slix-typo"
        message.enable("markable")
        message.send()
        fix = self.make_message(mto=sales, mbody="I ordered a chair", mtype="chat")
        fix["id"] = "slix-fix"
        fix["replace"]["id"] = "slix-typo"
        fix.send()
        mark = await self.next("the agent's read mark", lambda x: x.find("{%s}displayed" % MARKERS) is not None)
        self.seen["marked"] = mark.find("{%s}displayed" % MARKERS).get("id")

        # The agent's line and its correction; our client marks the corrected line read.
        first = await self.next("the agent's question", lambda x: self.body(x) == "Which one?")
        fixed = await self.next("the agent's correction", lambda x: x.find("{%s}replace" % CORRECT) is not None)
        self.seen["agent_question_id"] = first.get("id")
        self.seen["agent_correction_replaces"] = fixed.find("{%s}replace" % CORRECT).get("id")
        self.seen["agent_correction_body"] = self.body(fixed)
        self["xep_0333"].send_marker(sales, first.get("id"), "displayed")

        # What an OMEMO client sends: a fallback body and the encrypted payload.
        omemo = self.make_message(mto=sales, mbody="I sent you an OMEMO encrypted message but your client doesn't seem to support that.", mtype="chat")
        omemo["id"] = "slix-omemo"
        encrypted = ET.Element("{eu.siacs.conversations.axolotl}encrypted")
        header = ET.SubElement(encrypted, "{eu.siacs.conversations.axolotl}header", sid="1")
        ET.SubElement(header, "{eu.siacs.conversations.axolotl}iv").text = "AAAA"
        ET.SubElement(encrypted, "{eu.siacs.conversations.axolotl}payload").text = "c2VjcmV0"
        omemo.append(encrypted)
        omemo.send()
        notice = await self.next("the notice", lambda x: "encrypted" in (self.body(x) or ""))
        self.seen["omemo_notice"] = self.body(notice)

        # The agent closes the chat; the rating question is answered with a digit and a comment.
        await self.next("the question", lambda x: (self.body(x) or "").startswith("How would you rate this chat"))
        self.send_message(mto=sales, mbody="5 quick and kind", mtype="chat")
        thanks = await self.next("the thanks", lambda x: (self.body(x) or "").startswith("Thank you for your rating"))
        self.seen["thanks"] = self.body(thanks)


visitor = Visitor()
visitor.connect(("127.0.0.1", port), use_ssl=False, force_starttls=False, disable_starttls=True)
visitor.process(forever=False)
print(json.dumps(visitor.seen))
"""#
}
