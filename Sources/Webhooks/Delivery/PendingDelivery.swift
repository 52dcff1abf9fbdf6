import Foundation

/// One event waiting in a hook's chat queue: the body is made once, when the event is taken in,
/// so every attempt and a replay send the same bytes.
public struct PendingDelivery: Sendable, Hashable, Codable {
    /// The routing stream entry's id: unique per event, also in the body, so receivers can drop repeats.
    public var id: String
    public var event: String
    public var chat: String
    /// When the event happened, ms since 1970.
    public var ts: Int64
    /// The JSON body, as POSTed.
    public var body: String

    public init(id: String, event: String, chat: String, ts: Int64, body: String) {
        self.id = id
        self.event = event
        self.chat = chat
        self.ts = ts
        self.body = body
    }

    func encoded() -> String {
        // Encoding plain strings and an integer cannot fail.
        String(decoding: (try? JSONEncoder.sorted.encode(self)) ?? Data(), as: UTF8.self)
    }

    static func decoded(_ text: String) throws(WebhooksError) -> PendingDelivery {
        do { return try JSONDecoder().decode(PendingDelivery.self, from: Data(text.utf8)) } catch {
            throw .corrupt("a queued delivery is not readable: \(error)")
        }
    }
}

extension JSONEncoder {
    static let sorted: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
