import Foundation

/// What a queue's bot answered a visitor line: `{"reply": "…", "handoff": false}`, or
/// `{"handoff": true, "queue": "billing"}` (with an optional last `reply`; no `queue`: the
/// chat's own). Anything else is a bad answer, and the chat goes to the agents.
public enum BotAnswer: Sendable, Hashable {
    case reply(String)
    case handoff(queue: String?, reply: String?)

    /// The longest reply passed on, in bytes: like a visitor's line, it must fit a stanza and a screen.
    public static let longestReply = 4096
    /// The longest answer read, in bytes; a longer one is refused unread.
    public static let longestAnswer = 64 * 1024

    /// Reads an answer's body; every refusal says why, for the log and the agent's history.
    public init(json bytes: [UInt8]) throws(BotAnswerError) {
        guard bytes.count <= Self.longestAnswer else { throw .tooLong }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            throw .badField("\(context.codingPath.first?.stringValue ?? "a field") has the wrong type")
        } catch {
            throw .notAnObject
        }
        let handoff = wire.handoff ?? false
        let trimmed = wire.reply?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard trimmed.utf8.count <= Self.longestReply else { throw .badField("reply is over \(Self.longestReply) bytes") }
        let reply = trimmed.isEmpty ? nil : trimmed
        if handoff {
            if let queue = wire.queue, queue.isEmpty || queue.utf8.count > 256 { throw .badField("queue must be a queue's name") }
            self = .handoff(queue: wire.queue, reply: reply)
        } else {
            guard let reply else { throw .badField("an answer without handoff needs a reply") }
            self = .reply(reply)
        }
    }
}

/// An answer's fields as sent; unknown ones are ignored, so a bot may say more.
private struct Wire: Decodable {
    var reply: String?
    var handoff: Bool?
    var queue: String?
}

/// Why a bot's answer was refused.
public enum BotAnswerError: Error, Hashable, CustomStringConvertible {
    case tooLong
    case notAnObject
    case badField(String)

    public var description: String {
        switch self {
        case .tooLong: "the answer is over \(BotAnswer.longestAnswer) bytes"
        case .notAnObject: "the answer is not a JSON object"
        case .badField(let why): why
        }
    }
}
