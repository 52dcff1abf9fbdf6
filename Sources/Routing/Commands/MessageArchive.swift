import AgentProtocol
import Foundation
import XMPP

/// History on a second device (XEP-0313, MAM): a query to `QUEUE@DOMAIN` (or `DOMAIN`) from a
/// visitor is answered from their open chat there, or else their last one still kept; a query
/// to `chat-ID@DOMAIN` from the agent it was given to, from that chat. Visitors get what they
/// and the agents said; agents also the notes and whispers, marked as such.
///
/// Every query is answered with the whole transcript (at most `maxResults` lines, the latest):
/// its filters and paging (`with`, `start`, `end`, RSM) are not read, and the `fin` says
/// `complete`. A chat's transcript is short, and clients de-duplicate by the archive ids.
struct MessageArchive: Sendable {
    let store: RoutingStore
    let outbox: Outbox

    static let namespace = "urn:xmpp:mam:2"
    static let forward = "urn:xmpp:forward:0"
    static let resultSet = "http://jabber.org/protocol/rsm"
    /// Lines sent for one query, the latest.
    static let maxResults = 500

    /// Answers a MAM query sent to `address`.
    func answer(_ iq: IQ, query: XMLElement, address: ChatAddress, agent: RoutingRules.Agent?, rules: RoutingRules) async throws {
        guard let requester = iq.from, let to = iq.to else { return }
        let bare = requester.bare.description
        let chat: String?
        var forAgent = false
        switch address {
        case .chat(let id):
            guard let agent, try await store.chatRecord(id)?.agent == agent.jid else {
                outbox.send(iq.errorReply(StanzaError(.forbidden, text: "Only the chat's agent may read its archive.")))
                return
            }
            chat = id
            forAgent = true
        case .queue(let name):
            chat = try await visitorsChat(bare, queue: name)
        case .service:
            chat = try await visitorsChat(bare, queue: rules.defaultQueue)
        }
        var lines: [TranscriptLine] = []
        if let chat, let (_, transcript) = try await store.chatWithTranscript(chat) {
            lines = transcript.filter { forAgent || $0.kind == .visitor || $0.kind == .agent }
        }
        let shown = Array(lines.suffix(Self.maxResults))
        let ids = shown.enumerated().map { "\(chat ?? "")-\($0.offset + lines.count - shown.count)" }
        for (line, id) in zip(shown, ids) {
            let original = Self.original(line, me: requester.bare, address: to.bare, forAgent: forAgent, rules: rules)
            outbox.send(Self.result(original, id: id, queryID: query[attribute: "queryid"], to: requester, from: to.bare, at: line.t))
        }
        var fin = XMLElement("fin", namespace: Self.namespace, attributes: [XMLAttribute("complete", "true")])
        var set = XMLElement("set", namespace: Self.resultSet)
        if let first = ids.first, let last = ids.last {
            set.append(.text("first", namespace: Self.resultSet, first))
            set.append(.text("last", namespace: Self.resultSet, last))
        }
        set.append(.text("count", namespace: Self.resultSet, String(shown.count)))
        fin.append(set)
        outbox.send(iq.result(fin))
    }

    /// The visitor's open chat through `queue`, or else their last chat still kept.
    private func visitorsChat(_ visitor: String, queue: String) async throws -> String? {
        if let open = try await store.openChatRecord(queue: queue, visitor: visitor) { return open.id }
        return try await store.lastClosedChat(visitor: visitor)
    }

    /// The message as the requester saw it: their own lines from them to the address, the
    /// other side's from the address to them.
    private static func original(_ line: TranscriptLine, me: JID, address: JID, forAgent: Bool, rules: RoutingRules) -> Message {
        let fromMe = forAgent ? line.kind == .agent || line.kind == .note : line.kind == .visitor
        let text = switch line.kind {
        case .note: "[note] \(line.text)"
        case .whisper: "[whisper from \(rules.agents[line.from]?.name ?? line.from)] \(line.text)"
        default: line.text
        }
        var message = fromMe ? Message(to: address, from: me, id: line.id, body: text) : Message(to: me, from: address, id: line.id, body: text)
        message.type = .chat
        return message
    }

    /// `<message><result><forwarded><delay/><message/></forwarded></result></message>`.
    private static func result(_ original: Message, id: String, queryID: String?, to: JID, from: JID, at milliseconds: Int64) -> Message {
        var result = XMLElement("result", namespace: namespace, attributes: [XMLAttribute("id", id)])
        if let queryID { result[attribute: "queryid"] = queryID }
        var forwarded = XMLElement("forwarded", namespace: forward)
        let stamp = Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601)
        forwarded.append(XMLElement("delay", namespace: Namespace.delay, attributes: [XMLAttribute("stamp", stamp)]))
        forwarded.append(original.element)
        result.append(forwarded)
        var message = Message(to: to, from: from)
        message.element.append(result)
        return message
    }
}
