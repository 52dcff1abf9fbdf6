import AgentProtocol
import XMPP

/// Relayed chat lines with what they carry beyond text (their relayed id, a file, the line they
/// correct), and read marks, which cross the relay under the ids the other side knows.
extension Outbox {
    /// A visitor's transcript lines to the chat's agent, signed with the visitor's nick (XEP-0172),
    /// the last with `state`, each under `id` (its relayed id: a copy sent again carries the same),
    /// returning what the XMPP server did with each (`XMPPComponent.sendAcknowledged`). A correction
    /// of a line the agent got inside the offer's history goes as a new line quoting it
    /// (`correctionLine`): their client never saw that line's id, so XEP-0308 could not apply.
    func relay(_ lines: [(line: TranscriptLine, id: String)], toAgent agent: String, chat: String, state: ChatState? = nil,
               nick: String, rules: RoutingRules) async -> [ServerHandling] {
        // An agent address that is no JID takes nothing: nothing to send, nothing to wait for.
        guard let to = try? JID(agent) else { return lines.map { _ in .routed } }
        let messages = lines.enumerated().map { index, entry in
            let line = entry.line
            let body = line.quote.map { Self.correctionLine(line.text, of: $0) } ?? line.text
            var message = Message(to: to, from: ChatAddress.chat(chat).jid(domain: rules.domain), id: entry.id, body: body)
            message.chatState = index == lines.count - 1 ? state : nil
            message.element.append(Self.nick(nick))
            let replaces = line.quote == nil ? line.replaces : nil
            Self.add(RelayDetail(id: entry.id, attachment: line.attachment, replaces: replaces, markable: line.markable), to: &message)
            return message.element
        }
        return await component.sendAcknowledged(messages)
    }

    /// A correction as a line of its own: `[correction of "OLD"] NEW`, the old text on one line and
    /// cut to `quoteLimit` characters (it is only there to say which line is meant).
    static func correctionLine(_ text: String, of original: String) -> String {
        let flat = original.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        let quoted = flat.count > quoteLimit ? String(flat.prefix(quoteLimit)) + "…" : flat
        return "[correction of \"\(quoted)\"] \(text)"
    }

    static let quoteLimit = 80

    /// What a relayed message carries: its file (XEP-0066, the URL also its body, as clients
    /// send it), the id of the message it corrects (XEP-0308), and a request for read marks
    /// (XEP-0333) when its sender asked for them.
    static func add(_ relay: RelayDetail, to message: inout Message) {
        if !relay.id.isEmpty { message.id = relay.id }
        if let attachment = relay.attachment { message.outOfBandURL = attachment.url }
        if let replaces = relay.replaces { message.replacesID = replaces }
        if relay.markable == true { message.requestMarkers() }
    }

    /// A read mark for a visitor's line: over XMPP under the visitor's own id (`marker.id`), from
    /// the address the visitor wrote to (`ChatRecord.address`); a web visitor's widget is told that
    /// the line `relayed` was seen.
    func mark(visitor: String, from address: String, _ marker: ChatMarker, relayed: String, rules: RoutingRules) {
        guard let channel = channels.first(where: { $0.carries(visitor) }) else { return }
        guard channel is XMPPVisitorChannel else {
            if marker.kind == .displayed {
                channel.tell(VisitorNotice(visitor: visitor, kind: .seen, relay: RelayDetail(id: relayed)), queue: address, domain: rules.domain)
            }
            return
        }
        guard let to = try? JID(visitor) else { return }
        let from: ChatAddress = address.isEmpty ? .service : .queue(address)
        var message = Message(to: to, from: from.jid(domain: rules.domain), id: ids.next())
        message.chatMarker = marker
        component.send(message)
    }

    /// A read mark for an agent's message (their own id), from the chat's address.
    func mark(agent: String, chat: String, _ marker: ChatMarker, rules: RoutingRules) {
        guard let to = try? JID(agent) else { return }
        var message = Message(to: to, from: ChatAddress.chat(chat).jid(domain: rules.domain), id: ids.next())
        message.chatMarker = marker
        component.send(message)
    }
}
