import Foundation
import Workflow
import XMPP

/// A visitor's rating of a closed chat as they write it: a single digit 1–5, perhaps followed by a
/// comment (`4`, `5 quick and kind`, `2: too slow`).
struct Rating: Sendable, Hashable {
    var score: Int
    var comment: String

    /// Comments are kept in the chat and the event stream: a bound keeps both small.
    static let longestComment = 500

    init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = text.unicodeScalars.first, ("1"..."5").contains(first) else { return nil }
        let rest = text.unicodeScalars.dropFirst()
        // `12` or `5stars` is a message, not a rating: the digit stands alone or before a separator.
        if let next = rest.first, !(CharacterSet.whitespacesAndNewlines.contains(next) || ".,:;!)-–".unicodeScalars.contains(next)) {
            return nil
        }
        self.score = Int(String(first))!
        let comment = String(rest).trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n.,:;!)-–"))
        self.comment = String(comment.prefix(Self.longestComment))
    }

    init(score: Int, comment: String) {
        self.score = score
        self.comment = String(comment.prefix(Self.longestComment))
    }
}

extension VisitorFlow {
    /// A rating over XMPP: taken when the visitor was asked to rate a chat in `queue` within its
    /// window (opening a chat there forgets the question: a digit in an open chat is for the
    /// agent). Returns whether it was a rating; if not, the text is an ordinary message.
    /// `address`: what the visitor wrote to (nil: the queue's own address).
    func rates(_ rating: Rating, visitor: String, queue: RoutingRules.Queue, address: String? = nil, rules: RoutingRules) async throws -> Bool {
        guard queue.csatWindow != nil else { return false }
        // The comment is kept in the chat and the event stream: redacted like any line.
        let comment = rules.redactor.redact(rating.comment).text
        guard case .done(let chat) = try await store.rate(queue: queue.name, visitor: visitor, score: rating.score, comment: comment)
        else { return false }
        logger.info("chat rated", metadata: ["chat": "\(chat)", "queue": "\(queue.name)", "score": "\(rating.score)"])
        outbox.tellVisitor(visitor, from: address ?? queue.name, Self.thanksForRating, rules: rules)
        return true
    }

    static let thanksForRating = "Thank you for your rating!"

    /// The queue's closing text for a chat that closed (`closed`: the close script's outcome, the
    /// state before); a chat an agent served in a queue with `csat: true` then asks for a rating.
    static func sayGoodbye(_ chat: ChatRecord, closed: Outcome, state: ChatState? = nil, outbox: Outbox, rules: RoutingRules) {
        guard let visitor = chat.visitor, let name = chat.queue else { return }
        let queue = rules.queue(name)
        let asks = queue?.csatWindow != nil && closed == .done(ChatStatus.active.rawValue)
        outbox.tellVisitor(visitor, from: chat.address, goodbye(chat, rules: rules), state: state, as: .closed, rate: asks ? chat.id : nil, rules: rules)
        guard asks, let queue else { return }
        let values = TemplateValues(queue: queue.title, agent: chat.activeAgent.flatMap { rules.agents[$0]?.name } ?? "", visitor: chat.name ?? "")
        outbox.tellVisitor(visitor, from: chat.address, queue.messages.csat.render(values), rules: rules)
    }
}
