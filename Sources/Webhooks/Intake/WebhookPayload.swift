import Foundation
import Redis
import Workflow

/// The JSON a receiver gets for one routing event: `id` (the stream entry's, the same on every
/// retry), `event`, `chat`, `time` (ISO 8601, UTC, ms) and the event's own fields; message events
/// add `text`. Empty fields are left out; `abandoned` is a boolean.
enum WebhookPayload {
    static func body(entry: StreamGroupReader.Entry, event: WebhookEvent, text: String??) -> String {
        var object: [String: Any] = [
            "id": entry.id, "event": event.rawValue, "chat": entry.fields[RoutingStream.chatField] ?? "",
        ]
        if let ts = entry.fields[RoutingStream.timeField].flatMap(Int64.init) { object["time"] = isoTime(ts) }
        let skipped: Set = [RoutingStream.typeField, RoutingStream.chatField, RoutingStream.timeField, RoutingStream.lineField]
        for (key, value) in entry.fields where !skipped.contains(key) && !value.isEmpty {
            object[key] = key == "abandoned" ? (value == "1") : value
        }
        // nil: not a message event; .some(nil): its line is gone (a retention or an erasure ran first).
        if case .some(let line) = text { object["text"] = line.map { $0 as Any } ?? NSNull() }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `2026-12-05T17:40:20.123Z`.
    static func isoTime(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
    }
}
