import Foundation

/// What a widget sends over `/ws`: one JSON object per text frame, told apart by `type`
/// (see docs/web-protocol.md).
enum ClientMessage: Sendable, Hashable {
    /// The first frame: which queue, and the token of a session to resume (none for a new one),
    /// with the last transcript `seq` the widget has (replay starts after it).
    case hello(Hello)
    /// The visitor's text; `id` is the widget's own, so a resend after a reconnect is stored once.
    /// `upload`: the id of a file the visitor sent with `POST /upload`, which the text goes with
    /// (the text may then be empty).
    case message(id: String, text: String, upload: String? = nil)
    case typing(TypingState)
    /// `id`: the widget's own for this end (one per chat: `end-CHAT`), so a copy handled late ends
    /// no chat the visitor opened since.
    case end(id: String?)
    /// The offline form: a message left when nobody can answer now.
    case offline(name: String, email: String, text: String)
    /// The star row after a close: `score` 1–5 for `chat`, with an optional comment.
    case rating(chat: String, score: Int, comment: String)

    struct Hello: Sendable, Hashable {
        var queue: String
        var token: String?
        /// The chat and the last line of it the widget shows; the replay starts after it.
        var chat: String?
        var after: Int?
        var name: String?

        /// Far beyond any transcript (the flood limits keep chats much shorter).
        static let afterRange = -1...Int(Int32.max)
        var email: String?
    }

    /// A rating's comment, in bytes of UTF-8 (the XMPP channel keeps 500 characters).
    static let longestRatingComment = 1000

    enum TypingState: String, Sendable, Hashable, Codable {
        case composing, paused
    }

    /// Reads one frame's text; what is wrong with it is a `ProtocolError` the widget is told.
    static func decode(_ text: String, limits: WebLimits) throws(ProtocolError) -> ClientMessage {
        guard text.utf8.count <= limits.frameBytes else { throw .tooLarge(limit: limits.frameBytes) }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw ProtocolError.badJSON("expected a JSON object")
            }
            object = parsed
        } catch let error as ProtocolError {
            throw error
        } catch {
            throw .badJSON("not valid JSON")
        }
        guard let type = object["type"] as? String else { throw .badRequest("a message needs a \"type\"") }
        func string(_ key: String, required: Bool = true, limit: Int) throws(ProtocolError) -> String? {
            guard let value = object[key] else {
                if required { throw .badRequest("\(type) needs \"\(key)\"") }
                return nil
            }
            guard let text = value as? String else { throw .badRequest("\"\(key)\" must be a string") }
            guard text.utf8.count <= limit else { throw .tooLarge(limit: limit) }
            return text
        }
        switch type {
        case "hello":
            var after: Int?
            if let value = object["after"] {
                // The replay counts on from `after`: bounded here, it can never overflow there.
                guard let number = value as? Int, Hello.afterRange.contains(number) else {
                    throw .badRequest("\"after\" must be a line number from -1 to \(Hello.afterRange.upperBound)")
                }
                after = number
            }
            guard let queue = try string("queue", limit: 64) else { throw .badRequest("hello needs \"queue\"") }
            return .hello(Hello(
                queue: queue, token: try string("token", required: false, limit: 128),
                chat: try string("chat", required: false, limit: 32), after: after,
                name: try string("name", required: false, limit: limits.nameBytes),
                email: try string("email", required: false, limit: limits.nameBytes)))
        case "message":
            guard let id = try string("id", limit: 64), !id.isEmpty else { throw .badRequest("message needs an \"id\"") }
            let upload = try string("upload", required: false, limit: 32)
            if let upload, !UploadStore.isID(upload) { throw .badRequest("\"upload\" must be the id POST /upload gave") }
            let text = try string("text", required: upload == nil, limit: limits.textBytes) ?? ""
            guard upload != nil || !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .badRequest("message needs a non-empty \"text\"")
            }
            return .message(id: id, text: text, upload: upload)
        case "typing":
            guard let state = try string("state", limit: 16).flatMap(TypingState.init(rawValue:)) else {
                throw .badRequest("typing \"state\" is composing or paused")
            }
            return .typing(state)
        case "end":
            let id = try string("id", required: false, limit: 64)
            return .end(id: id?.isEmpty == true ? nil : id)
        case "offline":
            guard let text = try string("text", limit: limits.textBytes),
                !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else { throw .badRequest("offline needs a non-empty \"text\"") }
            return .offline(
                name: try string("name", required: false, limit: limits.nameBytes) ?? "",
                email: try string("email", required: false, limit: limits.nameBytes) ?? "", text: text)
        case "rating":
            guard let chat = try string("chat", limit: 32), !chat.isEmpty else { throw .badRequest("rating needs a \"chat\"") }
            guard let score = object["score"] as? Int, (1...5).contains(score), !(object["score"] is Bool) else {
                throw .badRequest("rating \"score\" is a whole number from 1 to 5")
            }
            let comment = try string("comment", required: false, limit: Self.longestRatingComment) ?? ""
            return .rating(chat: chat, score: score, comment: comment)
        default:
            throw .unknownType(type)
        }
    }
}
