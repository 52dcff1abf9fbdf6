import Console
import Foundation
import AgentProtocol
import Testing
import XMPP

/// Router stanzas to events, events to state, and what the agent types to actions.
@Suite struct ConsoleModelTests {
    let domain = "support.localhost"

    func message(from local: String?, _ body: String?, _ extra: XMLElement? = nil, state: ChatState? = nil) throws -> Stanza {
        var message = Message(to: try JID("alice@localhost"), from: try JID(local: local, domain: domain), body: body)
        message.chatState = state
        if let extra { message.element.append(extra) }
        return .message(message)
    }

    @Test func routerStanzas() throws {
        let offer = XMLElement("offer", namespace: "urn:switchboard:offer", attributes: [
            XMLAttribute("chat", "5"), XMLAttribute("queue", "sales"), XMLAttribute("name", "Zoë"),
            XMLAttribute("state", "offered"), XMLAttribute("waited", "3"), XMLAttribute("timeout", "30"), XMLAttribute("sla", "60"),
        ])
        let event = RouterEvent(try message(from: "chat-5", "New chat 5 …\nZoë: hi", offer), domain: domain)
        #expect(event == .offer(.init(chat: "5", queue: "sales", name: "Zoë", isOffered: true, waited: 3, timeout: 30, sla: 60),
                                history: ["Zoë: hi"]))
        let nick = XMLElement.text("nick", namespace: "http://jabber.org/protocol/nick", "Zoë")
        #expect(RouterEvent(try message(from: "chat-5", "hi", nick), domain: domain) == .visitorSaid(chat: "5", name: "Zoë", text: "hi"))
        #expect(RouterEvent(try message(from: "chat-5", nil, state: .composing), domain: domain) == .visitorState(chat: "5", .composing))
        #expect(RouterEvent(try message(from: "chat-5", "The visitor ended the chat.", state: .gone), domain: domain)
            == .notice(chat: "5", text: "The visitor ended the chat.", ended: true))
        #expect(RouterEvent(try message(from: nil, "You missed 3 offers"), domain: domain) == .service("You missed 3 offers"))
        let refused = Message(to: try JID("alice@localhost"), body: "hi")
            .errorReply(StanzaError(.forbidden, text: "This chat is not yours, or not accepted yet."))
        var fromChat = refused
        fromChat.from = try JID("chat-5@\(domain)")
        #expect(RouterEvent(.message(fromChat), domain: domain) == .refused(chat: "5", text: "This chat is not yours, or not accepted yet."))
        // Not from the service: ignored.
        let stranger = Message(to: try JID("alice@localhost"), from: try JID("chat-5@evil.example"), body: "hi")
        #expect(RouterEvent(.message(stranger), domain: domain) == nil)
    }

    @Test func eventsChangeTheState() {
        var state = ConsoleState(account: "alice@localhost")
        let now = Date()
        let offer = RouterEvent.Offer(chat: "5", queue: "sales", name: "Zoë", isOffered: true, waited: 3, timeout: 30, sla: 60)
        let (line, bell) = state.apply(.offer(offer, history: ["Zoë: hi"]), at: now)
        #expect(bell && line.hasPrefix("offer chat=5 queue=sales visitor=Zoë waited=3s timeout=30s"))
        #expect(state.pendingOffer?.id == "5" && state.current == "5")
        #expect(state.chats[0].waited(at: now) == 3)
        _ = state.apply(.visitorSaid(chat: "5", name: "Zoë", text: "hello\u{1B}[2J"), at: now)
        #expect(state.chats[0].lines.last?.text == "hello␛[2J")
        state.said("hi!", in: "5", at: now)
        #expect(state.chats[0].waitingSince == nil, "answered")
        _ = state.apply(.notice(chat: "5", text: "The visitor ended the chat.", ended: true), at: now)
        #expect(state.chats[0].state == .closed("ended"))
    }

    @Test func routerAnswersFillTheHeaderAndTables() {
        var state = ConsoleState(account: "carol@localhost")
        state.readQueues("sales: 2 waiting\nsupport: 0 waiting")
        #expect(state.queues == [QueueSummary(name: "sales", waiting: 2), QueueSummary(name: "support", waiting: 0)])
        // The router's `/status` answer as the console reads it: its <status/> element, not the sentence.
        #expect(state.readStatus(AgentStatus(presence: "available", capacity: 3, chats: ["5"])) == "available")
        #expect(AgentAvailability(routerPresence: "xa") == .away && AgentAvailability(routerPresence: "offline") == nil)
        #expect(state.capacity == 3)
        #expect(state.chats.map(\.id) == ["5"] && state.chats[0].state == .active, "a chat from before the console started")
        state.readAgents("Bob (bob@localhost): away, 1/2 chats")
        #expect(state.agents == [AgentRow(name: "Bob", jid: "bob@localhost", presence: "away", chats: "1/2 chats")])
    }

    @Test func typedLines() {
        #expect(AgentAction("hello") == .say("hello"))
        #expect(AgentAction("//shrug") == .say("/shrug"))
        #expect(AgentAction("/transfer support") == .transfer("support"))
        #expect(AgentAction("/transfer") == .invalid("unknown or incomplete command /transfer"))
        #expect(AgentAction("/away") == .availability(.away))
        #expect(AgentAction("/whisper chat-5 be nice") == .whisper(chat: "5", text: "be nice"))
        #expect(AgentAction("/monitor 5@support.localhost") == .monitor("5"))
    }

    @Test func completion() {
        let commands = AgentAction.names
        #expect(Completion.complete("/tr", commands: commands, canned: [], targets: []) == "/transfer ")
        #expect(Completion.complete("/canned gr", commands: commands, canned: ["greeting", "goodbye"], targets: []) == "/canned greeting")
        #expect(Completion.complete("/canned g", commands: commands, canned: ["greeting", "goodbye"], targets: []) == "/canned g")
        #expect(Completion.candidates("/canned g", commands: commands, canned: ["greeting", "goodbye"], targets: []) == ["greeting", "goodbye"])
        #expect(Completion.complete("/transfer b", commands: commands, canned: [], targets: ["sales", "bob@localhost"]) == "/transfer bob@localhost")
        #expect(Completion.complete("hello", commands: commands, canned: [], targets: []) == nil)
    }
}

/// Unread marks and chat switching.
@Suite struct ChatListTests {
    @Test func unreadMarksClearWhenAChatIsShown() {
        var state = ConsoleState(account: "alice@localhost")
        let now = Date()
        state.chat("1", visitor: "Ann", queue: "sales", state: .active)
        state.chat("2", visitor: "Ben", queue: "sales", state: .active)
        #expect(state.current == "1")
        _ = state.apply(.visitorSaid(chat: "2", name: "Ben", text: "hi"), at: now)
        _ = state.apply(.visitorSaid(chat: "1", name: "Ann", text: "hi"), at: now)
        #expect(state.chats.map(\.unread) == [0, 1])
        state.cycle(by: 1)
        #expect(state.current == "2" && state.chats[1].unread == 0)
        state.cycle(by: 1)
        #expect(state.current == "1", "round the list")
        state.update("2") { $0.state = .closed("ended") }
        state.forgetClosed()
        #expect(state.chats.map(\.id) == ["1"])
    }

    /// Issue 17: the list renumbered when closed chats dropped out, so `M-2` changed meaning.
    @Test func numbersStayWhenClosedChatsDropOut() {
        var state = ConsoleState(account: "alice@localhost")
        for (id, name) in [("11", "Ann"), ("12", "Ben"), ("13", "Cy")] { state.chat(id, visitor: name, queue: "sales", state: .active) }
        state.update("11") { $0.state = .closed("ended") }
        state.select("13")
        state.forgetClosed()
        #expect(state.chats.map(\.number) == [2, 3], "Ben is still 2, Cy still 3")
        #expect(state.index(number: 3).map { state.chats[$0].id } == "13")
        state.chat("14", visitor: "Di", queue: "sales", state: .active)
        #expect(state.chats.map(\.id) == ["14", "12", "13"] && state.chats.map(\.number) == [1, 2, 3], "a new chat takes the free number")
    }

    /// Issue 17: "(earlier)" lines showed when the offer came, not when the visitor wrote.
    @Test func historyLinesShowWhenTheyWereWritten() {
        var state = ConsoleState(account: "alice@localhost")
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let offer = OfferSummary(chat: "5", queue: "sales", name: "Zoë", isOffered: true, waited: 90, timeout: 30, sla: 60,
                                 historyAges: [90, 20])
        var message = XMLElement("message", namespace: "jabber:client")
        message.append(offer.element)
        let parsed = OfferSummary(in: message)
        #expect(parsed?.historyAges == [90, 20], "the ages go through the element")
        _ = state.apply(.offer(offer, history: ["Zoë: hi", "Zoë: anyone?"]), at: now)
        #expect(state.chats[0].lines.map(\.time) == [now.addingTimeInterval(-90), now.addingTimeInterval(-20)])
    }
}

/// Corrections (XEP-0308) and read marks (XEP-0333) from the router, in the console's model and screen.
@Suite struct ConsoleConversationExtrasModelTests {
    let domain = "support.localhost"

    @Test func correctionsAndReadMarksAreEvents() throws {
        let nick = XMLElement.text("nick", namespace: "http://jabber.org/protocol/nick", "Zoë")
        var line = Message(to: try JID("alice@localhost"), from: try JID("chat-5@\(domain)"), id: "sb-1", body: "hi")
        line.element.append(nick)
        #expect(RouterEvent(.message(line), domain: domain) == .visitorSaid(chat: "5", name: "Zoë", text: "hi", id: "sb-1"))
        var fix = Message(to: try JID("alice@localhost"), from: try JID("chat-5@\(domain)"), id: "sb-2", body: "hello")
        fix.element.append(nick)
        fix.replacesID = "sb-1"
        #expect(RouterEvent(.message(fix), domain: domain) == .visitorEdited(chat: "5", id: "sb-1", name: "Zoë", text: "hello"))
        var mark = Message(to: try JID("alice@localhost"), from: try JID("chat-5@\(domain)"), id: "sb-3")
        mark.chatMarker = ChatMarker(.displayed, id: "mine")
        #expect(RouterEvent(.message(mark), domain: domain) == .seen(chat: "5", id: "mine"))
        mark.chatMarker = ChatMarker(.received, id: "mine")
        #expect(RouterEvent(.message(mark), domain: domain) == nil, "only displayed counts as seen")
    }

    @Test func aCorrectionReplacesItsLinesAndKeepsTheFirstWording() {
        var chat = ChatView(id: "5", visitor: "Zoë", queue: "sales", state: .active)
        let now = Date()
        chat.add(.visitor, who: "Zoë", text: "one\ntwo", at: now, id: "a")
        chat.add(.visitor, who: "Zoë", text: "after", at: now, id: "b")
        chat.correct("a", who: "Zoë", text: "uno", at: now)
        #expect(chat.lines.map(\.text) == ["uno", "after"])
        #expect(chat.lines[0].original == "one ⏎ two")
        chat.correct("a", who: "Zoë", text: "eins", at: now)
        #expect(chat.lines.map(\.text) == ["eins", "after"] && chat.lines[0].original == "one ⏎ two", "the first wording stays")
        chat.correct("gone", who: "Zoë", text: "late fix", at: now)
        #expect(chat.lines.last?.text == "late fix" && chat.lines.last?.original == "", "an unknown line: added, marked edited")
        // An agent's line of the same id is not the visitor's to correct.
        chat.add(.agent, who: "me", text: "mine", at: now, id: "m")
        chat.correct("m", who: "Zoë", text: "forged", at: now)
        #expect(chat.lines.contains { $0.kind == .agent && $0.text == "mine" && $0.original == nil })
    }

    @Test func seenMarksEveryAgentLineUpToTheOneNamedAndTheScreenSaysSoOnce() {
        var state = ConsoleState(account: "alice@localhost")
        state.chat("5", visitor: "Zoë", queue: "sales", state: .active)
        let now = Date()
        state.said("first", in: "5", at: now, messageID: "m1")
        _ = state.apply(.visitorSaid(chat: "5", name: "Zoë", text: "hm", id: "v1"), at: now)
        state.said("second", in: "5", at: now, messageID: "m2")
        state.said("third", in: "5", at: now, messageID: "m3")
        #expect(state.apply(.seen(chat: "5", id: "v1"), at: now).line.isEmpty, "only the agent's own lines")
        #expect(state.apply(.seen(chat: "5", id: "unknown"), at: now).line.isEmpty)
        #expect(state.apply(.seen(chat: "5", id: "m2"), at: now).line == "seen chat=5")
        #expect(state.chats[0].lines.map(\.seen) == [true, false, true, false])
        let rows = Screen(width: 80, height: 12, now: now, timeZone: TimeZone(identifier: "UTC")!).draw(state).canvas.lines
        #expect(rows.filter { $0.contains("✓ seen") }.count == 1 && rows.contains { $0.contains("me: second ✓ seen") }, "\(rows)")
        _ = state.apply(.visitorEdited(chat: "5", id: "v1", name: "Zoë", text: "hmm"), at: now)
        let edited = Screen(width: 80, height: 12, now: now, timeZone: TimeZone(identifier: "UTC")!).draw(state).canvas.lines
        #expect(edited.contains { $0.contains("Zoë: hmm (edited, was: hm)") }, "\(edited)")
    }

    @Test func theChatOnScreenMarksTheVisitorsLatestMarkableLineOnce() {
        var state = ConsoleState(account: "alice@localhost")
        let now = Date()
        state.chat("5", visitor: "Zoë", queue: "sales", state: .active)
        _ = state.apply(.visitorSaid(chat: "5", name: "Zoë", text: "no marks asked", id: "v0"), at: now)
        #expect(state.takeUnseen() == nil)
        _ = state.apply(.visitorSaid(chat: "5", name: "Zoë", text: "hi", id: "v1", markable: true), at: now)
        _ = state.apply(.visitorSaid(chat: "5", name: "Zoë", text: "there?", id: "v2", markable: true), at: now)
        #expect(state.takeUnseen().map { [$0.chat, $0.id] } == ["5", "v2"], "the latest line stands for those before")
        #expect(state.takeUnseen() == nil, "once")
        // Another chat's line is not on screen: marked when that chat is shown.
        state.chat("6", visitor: "Ann", queue: "sales", state: .active)
        _ = state.apply(.visitorSaid(chat: "6", name: "Ann", text: "hello", id: "w1", markable: true), at: now)
        #expect(state.takeUnseen() == nil)
        state.select("6")
        #expect(state.takeUnseen().map { [$0.chat, $0.id] } == ["6", "w1"])
        _ = state.apply(.visitorSaid(chat: "6", name: "Ann", text: "ok", id: "w2", markable: true), at: now)
        state.showsSupervision = true
        #expect(state.takeUnseen() == nil, "not while the supervision table covers it")
    }
}
