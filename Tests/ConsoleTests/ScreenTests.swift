import Console
import Foundation
import Testing

/// The whole screen drawn from a state: header, chat list, transcript, offer pop-up, input, keys.
@Suite struct ScreenTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)  // 22:13:20 UTC

    func state() -> ConsoleState {
        var state = ConsoleState(account: "alice@localhost")
        state.link = .online
        state.capacity = 3
        state.queues = [QueueSummary(name: "sales", waiting: 2), QueueSummary(name: "support", waiting: 0)]
        state.chat("7", visitor: "Zoë", queue: "sales", state: .active, sla: 30)
        state.update("7") { chat in
            chat.add(.visitor, who: "Zoë", text: "Hello, my order 日本 never arrived and I would like to know why", at: start)
            chat.waitingSince = start
        }
        return state
    }

    func draw(_ state: ConsoleState, width: Int = 80, height: Int = 12, after seconds: Double = 5) -> [String] {
        Screen(width: width, height: height, now: start.addingTimeInterval(seconds), timeZone: TimeZone(identifier: "UTC")!)
            .draw(state).canvas.lines
    }

    @Test func layoutOfAChat() {
        let lines = draw(state())
        #expect(lines[0] == " alice@localhost │ available │ chats 1/3 │ waiting sales 2 · support 0")
        #expect(lines[1].hasPrefix(" Chats") && lines[1].contains("│ chat 7 · Zoë · sales · active"))
        #expect(lines[2] == " 1 Zoë sales            5s│22:13:20 Zoë: Hello, my order 日本 never arrived and")
        #expect(lines[3].hasSuffix("│         I would like to know why"), "wrapped under the text, not the time")
        #expect(lines[10] == "chat 7>")
        #expect(lines[11].hasPrefix(" M-a accept"))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 })
    }

    /// Issue 17: the keys line was cut at the terminal's edge; it ends with `/help` at any width.
    @Test func theKeysLineFitsTheWidth() {
        for width in [40, 80, 120, 200] {
            let keys = draw(state(), width: width).last!.trimmingCharacters(in: .whitespaces)
            #expect(keys.hasSuffix("/help") && DisplayWidth.of(keys) < width, "\(width): \(keys)")
            #expect(keys.hasPrefix("M-a accept"), "\(width): \(keys)")
        }
        #expect(draw(state(), width: 200).last!.contains("M-s supervise"), "a wide terminal shows them all")
        var asking = state()
        asking.status = "Close chat 1 with Zoë? y closes, any other key keeps it"
        let keys = draw(asking, width: 80).last!.trimmingCharacters(in: .whitespaces)
        #expect(keys.hasPrefix("Close chat 1") && keys.hasSuffix("/help"), "\(keys)")
    }

    /// Issue 17: while offline the header said "available", which the router no longer sees.
    @Test func offlineTheHeaderDoesNotSayAvailable() {
        var offline = state()
        offline.link = .offline(reason: "the connection closed", retry: start.addingTimeInterval(10))
        let header = draw(offline, width: 120)[0]
        #expect(header.contains("OFFLINE") && !header.contains("available"), "\(header)")
        #expect(draw(state(), width: 120)[0].contains("│ available │"))
    }

    @Test func aWaitPastTheSLAIsHighlighted() {
        let screen = Screen(width: 80, height: 12, now: start.addingTimeInterval(45), timeZone: TimeZone(identifier: "UTC")!)
        let canvas = screen.draw(state()).canvas
        let row = canvas.text(row: 2)
        let column = row.distance(from: row.startIndex, to: row.range(of: "45s")!.lowerBound)
        #expect(canvas.cells[2][column + 1].style == .alert)
    }

    @Test func narrowTerminalsDropTheList() {
        let lines = draw(state(), width: 40, height: 10)
        #expect(lines[1] == " chat 7 · Zoë · sales · active")
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 40 })
        #expect(draw(state(), width: 20, height: 5) == ["Terminal too small", "", "", "", ""])
    }

    @Test func anOfferPopsUpWithItsCountdown() {
        var state = state()
        state.chat("8", visitor: "Bob", queue: "support", state: .offered(deadline: start.addingTimeInterval(30)))
        let lines = draw(state, after: 10)
        #expect(lines.contains { $0.contains("│ New chat 8 from Bob") })
        #expect(lines.contains { $0.contains("queue support · 20 s left") })
        #expect(lines.contains { $0.contains("?2 Bob support") })
    }

    @Test func scrollbackShowsOlderLines() {
        var state = state()
        state.update("7") { chat in
            for number in 1...30 { chat.add(.agent, who: "me", text: "line \(number)", at: start) }
            chat.scroll = 5
        }
        let lines = draw(state)
        #expect(lines.contains { $0.hasSuffix("line 25") } && !lines.contains { $0.hasSuffix("line 30") })
        #expect(lines[1].contains("↓ 5 more"))
    }

    @Test func hostileTextIsDrawnAsPictures() {
        var state = state()
        state.update("7") { $0.add(.visitor, who: "x\u{1B}[2J", text: "\u{1B}[2J\u{1B}]0;pwned\u{07}", at: start) }
        let lines = draw(state)
        #expect(lines.contains { $0.contains("x␛[2J: ␛[2J␛]0;pwned␇") })
    }

    @Test func typingAndNotes() {
        var state = state()
        state.update("7") { chat in
            chat.add(.note, who: "alice", text: "VIP", at: start)
            chat.visitorTyping = true
        }
        let lines = draw(state)
        #expect(lines.contains { $0.contains("[note] alice: VIP") })
        #expect(lines.contains { $0.contains("Zoë is typing…") })
    }

    @Test func linkStatusShowsInTheHeader() {
        var state = state()
        state.link = .offline(reason: "connection refused", retry: start.addingTimeInterval(8))
        #expect(draw(state)[0].contains("OFFLINE: connection refused (retry in 3 s)"))
        state.link = .offline(reason: "replaced by another login of this account", retry: nil)
        #expect(draw(state, width: 120)[0].contains("OFFLINE: replaced by another login of this account (not retrying; ^C quits)"))
    }

    @Test func supervisorsSeeQueuesAndAgents() {
        var state = state()
        state.isSupervisor = true
        state.showsSupervision = true
        state.agents = [AgentRow(name: "Bob", jid: "bob@localhost", presence: "away", chats: "1/2 chats")]
        let lines = draw(state, width: 100, height: 14)
        #expect(lines.contains { $0.contains("sales") && $0.contains("2 waiting") })
        #expect(lines.contains { $0.contains("Bob") && $0.contains("away") && $0.contains("1/2 chats") && $0.contains("bob@localhost") })
    }
}
