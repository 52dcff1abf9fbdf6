/// Why the web service refused a frame or a request; the widget gets `code` and `message` in an
/// `error` frame, and nothing changed.
enum ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    case badJSON(String)
    case badRequest(String)
    case unknownType(String)
    case tooLarge(limit: Int)
    case helloFirst
    case alreadyGreeted
    case invalidToken
    case unknownQueue(String)
    case rateLimited
    case notBinary
    case unavailable
    case notRatable

    var code: String {
        switch self {
        case .badJSON: "bad-json"
        case .badRequest: "bad-request"
        case .unknownType: "unknown-type"
        case .tooLarge: "too-large"
        case .helloFirst: "hello-first"
        case .alreadyGreeted: "already-greeted"
        case .invalidToken: "invalid-token"
        case .unknownQueue: "unknown-queue"
        case .rateLimited: "rate-limited"
        case .notBinary: "text-only"
        case .unavailable: "unavailable"
        case .notRatable: "not-ratable"
        }
    }

    var description: String {
        switch self {
        case .badJSON(let reason): "The message is not a JSON object: \(reason)."
        case .badRequest(let reason): "The message is malformed: \(reason)."
        case .unknownType(let type): "Unknown message type \"\(type.prefix(32))\"."
        case .tooLarge(let limit): "The message is too large (the limit is \(limit) bytes)."
        case .helloFirst: "Send hello first."
        case .alreadyGreeted: "This connection already said hello."
        case .invalidToken: "The session token is not valid; start a new session."
        case .unknownQueue(let queue): "There is no queue called \"\(queue.prefix(64))\"."
        case .rateLimited: "You are sending too fast; please wait a moment."
        case .notBinary: "Only text frames are understood."
        case .unavailable: "The chat service is unavailable; please try again."
        case .notRatable: "This chat cannot be rated: it was not asked for, or the time to rate it has passed."
        }
    }
}
