import AgentProtocol
import Foundation
import XMPP

extension ConsoleController {
    /// Runs what the agent asked for; router commands go as ad-hoc commands (XEP-0050) to the
    /// chat's or the service's address, and their answers come back as notices.
    func run(_ command: AgentAction) {
        let now = Date()
        switch command {
        case .say(let text):
            guard let chat = state.currentIndex.map({ state.chats[$0] }), chat.state == .active, let to = address(chat.id) else {
                tell("No active chat to write to (accept an offer first).", chat: state.current)
                return
            }
            let id = UUID().uuidString
            var message = Message(to: to, id: id, body: text)
            message.chatState = .active
            // The visitor's client may say when it showed the line (XEP-0333): "seen" beside it.
            message.requestMarkers()
            typingIn = nil
            state.said(text, in: chat.id, at: now, messageID: id)
            display.announce("sent chat=\(chat.id): \(Sanitizer.clean(text))")
            send(message, chat: chat.id)
        case .accept:
            guard let chat = state.pendingOffer?.id ?? state.current else { return tell("No offer to accept.", chat: nil) }
            onChat(chat, "accept") { state, _ in
                state.update(chat) { $0.state = .active }
                state.select(chat)
            }
        case .decline:
            guard let offer = state.pendingOffer else { return tell("No offer to decline.", chat: nil) }
            let chat = offer.id, declined = offer.state
            onChat(chat, "decline") { state, _ in
                // Unless the router offered it again meanwhile (nobody else could take it).
                state.update(chat) { if $0.state == declined { $0.state = .closed("declined") } }
            }
        case .close:
            guard let chat = state.current else { return tell("No chat to close.", chat: nil) }
            close(chat)
        case .who:
            guard let chat = state.current else { return tell("No chat.", chat: nil) }
            onChat(chat, "who") { _, _ in }
        case .transfer(let target):
            guard let chat = state.current else { return tell("No chat to transfer.", chat: nil) }
            onChat(chat, "transfer", fields: ["target": target]) { state, answer in
                guard answer.event?.kind == .transferred else { return }
                state.update(chat) { chat in
                    chat.state = .closed("transferred to \(Sanitizer.clean(target))")
                    chat.waitingSince = nil
                }
            }
        case .note(let text):
            guard let chat = state.current else { return tell("No chat for a note.", chat: nil) }
            onChat(chat, "note", fields: ["text": text]) { state, _ in state.said(text, in: chat, as: .note, at: Date()) }
        case .canned(let key):
            guard let chat = state.current else { return tell("No chat for a canned reply.", chat: nil) }
            let template = state.canned.first { $0.key == key }?.text
            onChat(chat, "canned", fields: ["key": key], quiet: true) { state, answer in
                if answer.event?.kind == .replied {
                    state.said("[\(key)] \(template ?? "canned reply sent")", in: chat, at: Date())
                } else {
                    state.notice(answer.text, in: chat, at: Date())
                }
            }
        case .availability(let value):
            state.availability = value
            let session = self.session
            display.announce("presence: \(value.rawValue)")
            Task {
                do { try await session.setAvailability(value) } catch { self.tell("Presence not sent: \(error)", chat: nil) }
            }
        case .chat(let which):
            if let number = Int(which), let index = state.index(number: number) {
                state.select(state.chats[index].id)
            } else if state.index(of: AgentAction.chatID(which)) != nil {
                state.select(AgentAction.chatID(which))
            } else {
                return tell("No chat \(which).", chat: nil)
            }
            state.forgetClosed()
            display.announce("current chat=\(state.current ?? "")")
        case .queues: onService("queues") { state, answer in state.readQueues(answer.text) }
        case .agents: onService("agents") { state, answer in state.readAgents(answer.text) }
        case .supervise:
            guard state.isSupervisor else { return tell("Only supervisors have the queue and agent table.", chat: nil) }
            state.showsSupervision.toggle()
        case .monitor(let chat):
            onService("monitor", fields: ["chat": chat]) { state, answer in
                guard answer.event?.kind == .monitoring else { return }
                state.chat(chat, visitor: "", queue: "", state: .monitoring)
                state.select(chat)
            }
        case .whisper(let chat, let text):
            onService("whisper", fields: ["chat": chat, "text": text]) { _, _ in }
        case .quit:
            quit()
        case .help:
            tell(AgentAction.usage, chat: state.current)
        case .invalid(let why):
            tell("\(why). \(AgentAction.usage)", chat: state.current)
        }
    }

    func close(_ chat: String) {
        onChat(chat, "close") { state, _ in
            state.update(chat) { chat in
                chat.state = .closed("closed by you")
                chat.waitingSince = nil
            }
        }
    }

    private func send(_ message: Message, chat: String) {
        let session = self.session
        Task {
            do { try await session.send(message) } catch { self.tell("Not sent: \(error)", chat: chat) }
        }
    }

    /// Runs a chat command; `then` changes the state with the router's answer when it succeeded.
    private func onChat(
        _ chat: String, _ node: String, fields: [String: String] = [:], quiet: Bool = false,
        then: @escaping @Sendable (inout ConsoleState, CommandAnswer) -> Void
    ) {
        guard let to = address(chat) else { return }
        let session = self.session
        Task {
            do {
                let answer = try await session.execute(node, at: to, fields: fields)
                self.update { then(&$0, answer) }
                if !quiet { self.tell(answer.text, chat: chat) }
            } catch {
                self.tell("\(node): \(error)", chat: chat)
            }
            self.poll()
        }
    }

    private func onService(_ node: String, fields: [String: String] = [:], then: @escaping @Sendable (inout ConsoleState, CommandAnswer) -> Void) {
        let session = self.session, current = state.current
        Task {
            do {
                let answer = try await session.execute(node, at: session.service, fields: fields)
                self.update { then(&$0, answer) }
                self.tell(answer.text, chat: node == "monitor" ? fields["chat"] : current)
            } catch {
                self.tell("\(node): \(error)", chat: current)
            }
        }
    }
}
