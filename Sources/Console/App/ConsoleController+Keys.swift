import Foundation
import XMPP

extension ConsoleController {
    /// Keys from the terminal: editing, history, completion, and single-key actions (Alt-letter).
    public func keys(_ keys: [Key]) {
        let before = state.input.text
        for key in keys { press(key) }
        if state.input.text != before { lastEdit = Date() }
        typingChanged()
        redraw()
    }

    private func press(_ key: Key) {
        // Completion candidates answer one Tab: whatever comes next makes them stale.
        if key != .tab { state.candidates = [] }
        if let chat = state.closeAsked {
            state.closeAsked = nil
            state.status = ""
            if key == .character("y") || key == .character("Y") {
                close(chat)
            } else {
                tell("Chat \(chat) stays open.", chat: chat)
            }
            return
        }
        switch key {
        case .character(let character): state.input.insert(String(character))
        case .paste(let text): state.input.insert(Sanitizer.lines(text).joined(separator: " "))
        case .enter:
            let line = state.input.submit()
            if !line.isEmpty { run(AgentAction(line)) }
        case .backspace: state.input.backspace()
        case .delete: state.input.delete()
        case .left: state.input.left()
        case .right: state.input.right()
        case .home, .control("a"): state.input.home()
        case .end, .control("e"): state.input.end()
        case .control("w"), .alt("\u{7F}"): state.input.deleteWord()
        case .control("u"): state.input.deleteToStart()
        case .up: state.input.previous()
        case .down: state.input.next()
        case .pageUp: scroll(by: 10)
        case .pageDown: scroll(by: -10)
        case .tab: complete()
        case .control("n"): state.cycle(by: 1)
        case .control("p"), .backTab: state.cycle(by: -1)
        case .control("c"), .alt("q"): quit()
        case .control("l"): display.invalidate()
        case .control("d") where state.input.text.isEmpty: quit()
        case .alt("a"): run(.accept)
        case .alt("d"): run(.decline)
        case .alt("c"): askToClose()
        case .alt("w"): run(.who)
        case .alt("p"): run(.availability(state.availability.next))
        case .alt("s"): run(.supervise)
        case .alt("t"): state.input.set("/transfer ")
        case .alt("n"): state.input.set("/note ")
        case .alt("r"): state.input.set("/canned ")
        case .alt(let digit) where digit.isNumber: run(.chat(String(digit)))
        default: break
        }
    }

    private func scroll(by rows: Int) {
        guard let id = state.current else { return }
        state.update(id) { $0.scroll = min(max($0.scroll + rows, 0), $0.lines.count * 4) }
    }

    private func complete() {
        let line = state.input.text
        let canned = state.canned.map(\.key), targets = state.transferTargets
        if let completed = Completion.complete(line, commands: AgentAction.names, canned: canned, targets: targets),
            completed != line
        {
            state.input.set(completed)
            return
        }
        let choices = Completion.candidates(line, commands: AgentAction.names, canned: canned, targets: targets)
        if choices.count > 1 { state.candidates = choices }
    }

    /// `M-c` is one key away from `M-a` and `M-d`: it asks first, the next key answers.
    private func askToClose() {
        guard let index = state.currentIndex, state.chats[index].isOpen else { return run(.close) }
        let chat = state.chats[index]
        state.closeAsked = chat.id
        state.status = "Close chat \(chat.number) with \(chat.visitor.isEmpty ? "the visitor" : chat.visitor)? y closes, any other key keeps it"
    }

    /// Tells the visitor whether the agent is typing (XEP-0085), when that changes.
    func typingChanged() {
        let text = state.input.text
        let typing = !text.isEmpty && !(text.hasPrefix("/") && !text.hasPrefix("//"))
        let chat = state.currentIndex.flatMap { state.chats[$0].state == .active ? state.chats[$0].id : nil }
        let wanted = typing ? chat : nil
        // After a pause, typing again says so again.
        guard wanted != typingIn, Date().timeIntervalSince(lastEdit) <= Self.pauseAfter || wanted == nil else { return }
        if let previous = typingIn { chatState(.active, in: previous) }
        if let wanted { chatState(.composing, in: wanted) }
        typingIn = wanted
    }

    func chatState(_ chatState: ChatState, in chat: String) {
        guard let to = address(chat) else { return }
        var message = Message(to: to)
        message.chatState = chatState
        let session = self.session
        Task { try? await session.send(message) }
    }
}
