import Foundation
import Routing

/// What the web service sends over `/ws`: one JSON object per text frame, told apart by `type`
/// (see docs/web-protocol.md). Absent fields are left out.
struct ServerMessage: Encodable, Sendable, Hashable {
    /// Which visitor details a queue's widget asks for before the chat.
    struct Form: Encodable, Sendable, Hashable {
        var name: Bool
        var email: Bool
    }

    var type: String
    var token: String?
    var queue: String?
    var title: String?
    var form: Form?
    /// Whether an agent could answer now (in hours, someone available); if not, the widget offers
    /// the offline form.
    var online: Bool?
    /// Files the visitor may attach (`POST /upload`); absent: none.
    var uploads: Uploads?
    var position: Int?
    /// The estimated wait in seconds from the queue's recent figures; absent with no history.
    var eta: Int?
    /// With `closed`: the chat the visitor may rate (1–5) with a `rating` frame.
    var rate: String?
    /// With `closed`: the wait ran out; the widget offers the message form.
    var offline: Bool?
    /// With `rated`: the score kept.
    var score: Int?
    /// The chat a transcript line belongs to: a visitor who writes after a chat closed starts a new one.
    var chat: String?
    var seq: Int?
    /// A transcript line sent again on (re)connecting, not new: no badge or sound for it.
    var replay: Bool?
    var from: String?
    var agent: String?
    var text: String?
    var time: Int64?
    var id: String?
    var state: String?
    var code: String?
    var message: String?
    /// A line's id as the router relayed it: what `replaces` and `seen` name.
    var ref: String?
    /// A correction: the `ref` of the line it replaces (which the widget shows edited).
    var replaces: String?
    /// A file the line points to (an http(s) URL, shown as a link).
    var attachment: Attachment?

    /// What the widget's attach button may send.
    struct Uploads: Encodable, Sendable, Hashable {
        var maxBytes: Int
        var types: [String]

        enum CodingKeys: String, CodingKey {
            case maxBytes = "max_bytes", types
        }
    }

    init(type: String) {
        self.type = type
    }

    static func session(token: String, queue: String, title: String, form: Form, online: Bool, uploads: Uploads? = nil) -> ServerMessage {
        var message = ServerMessage(type: "session")
        message.uploads = uploads
        message.token = token
        message.queue = queue
        message.title = title
        message.form = form
        message.online = online
        return message
    }

    static func queued(position: Int, eta: Int?, text: String?) -> ServerMessage {
        var message = ServerMessage(type: "queued")
        message.position = position
        message.eta = eta
        message.text = text
        return message
    }

    static func assigned(agent: String, text: String?) -> ServerMessage {
        var message = ServerMessage(type: "assigned")
        message.agent = agent
        message.text = text
        return message
    }

    /// A transcript line: `from` is `visitor` or `agent` (with the agent's display name).
    static func line(chat: String, seq: Int, from: String, agent: String?, text: String, time: Int64, replay: Bool)
        -> ServerMessage
    {
        var message = ServerMessage(type: "message")
        message.chat = chat
        message.replay = replay ? true : nil
        message.seq = seq
        message.from = from
        message.agent = agent
        message.text = text
        message.time = time
        return message
    }

    /// The visitor's message `id` is stored (or was already): the widget stops resending it.
    static func received(id: String) -> ServerMessage {
        var message = ServerMessage(type: "received")
        message.id = id
        return message
    }

    static func typing(_ state: String) -> ServerMessage {
        var message = ServerMessage(type: "typing")
        message.state = state
        return message
    }

    static func notice(_ text: String) -> ServerMessage {
        var message = ServerMessage(type: "notice")
        message.text = text
        return message
    }

    static func closed(_ text: String?, rate: String? = nil, offline: Bool? = nil) -> ServerMessage {
        var message = ServerMessage(type: "closed")
        message.text = text
        message.rate = rate
        message.offline = offline
        return message
    }

    /// The `rating` frame's score is kept for `chat` (a later one within the window replaces it).
    static func rated(chat: String, score: Int) -> ServerMessage {
        var message = ServerMessage(type: "rated")
        message.chat = chat
        message.score = score
        return message
    }

    static func error(_ error: ProtocolError) -> ServerMessage {
        var message = ServerMessage(type: "error")
        message.code = error.code
        message.message = error.description
        return message
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and numbers cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"type":"error"}"#
    }
}

extension ServerMessage {
    /// The agent's client showed the visitor's line `ref`.
    static func seen(ref: String) -> ServerMessage {
        var message = ServerMessage(type: "seen")
        message.ref = ref
        return message
    }

    /// A transcript line's frame with what the line was relayed with: its id, the line it
    /// corrects, its file.
    func relayed(_ line: TranscriptLine) -> ServerMessage {
        var message = self
        message.ref = line.id
        message.replaces = line.replaces
        message.attachment = line.attachment
        return message
    }
}
