import Foundation
import Redis
import Workflow

/// Finds the text of a message event in the chat's transcript, so the event stream need not carry
/// it (issue 16 counts its bytes; the transcript holds the text anyway).
///
/// The router appends the line and emits the event in one script, with the same clock reading:
/// the line has `t` = the event's `ts` and the event's kind. Two messages of one kind in the same
/// millisecond are told apart by their order (`ordinal`, counted by `EventIntake`): the n-th such
/// event is the n-th such line. An event that names its line (`line`) is read directly.
struct TranscriptText {
    let redis: RedisClient
    let keys: WebhookKeys
    /// Lines read per step, walking back from the transcript's end.
    static let window = 200
    /// Steps before giving up: a line further back than this is no message just taken in.
    static let steps = 50

    private struct Line: Decodable {
        var t: Double
        var kind: String
        var text: String?
    }

    /// The text, or nil when the line is gone (the chat was erased or its retention ran out).
    func text(of entry: StreamGroupReader.Entry, event: WebhookEvent, ordinal: Int) async throws -> String? {
        guard let kind = RoutingStream.transcriptKind(of: event), let chat = entry.fields[RoutingStream.chatField],
            let ts = entry.fields[RoutingStream.timeField].flatMap(Int64.init)
        else { return nil }
        let transcript = RoutingStream.transcript(prefix: keys.prefix, chat: chat)
        if let index = entry.fields[RoutingStream.lineField].flatMap(Int.init) {
            let line = try await redis.send("LINDEX", transcript, String(index)).string.flatMap(Self.line)
            return line?.kind == kind ? line?.text : nil
        }
        var matches: [String] = []  // newest first
        for step in 0..<Self.steps {
            let stop = -(step * Self.window) - 1, start = stop - Self.window + 1
            let lines = try await redis.send("LRANGE", transcript, String(start), String(stop)).array ?? []
            for value in lines.reversed() {
                guard let line = value.string.flatMap(Self.line) else { continue }
                if Int64(line.t) < ts {
                    return Self.pick(matches, ordinal)
                }
                if Int64(line.t) == ts && line.kind == kind { matches.append(line.text ?? "") }
            }
            if lines.count < Self.window { break }
        }
        return Self.pick(matches, ordinal)
    }

    /// The `ordinal`-th oldest of `newestFirst`.
    private static func pick(_ newestFirst: [String], _ ordinal: Int) -> String? {
        let oldestFirst = Array(newestFirst.reversed())
        return ordinal < oldestFirst.count ? oldestFirst[ordinal] : nil
    }

    private static func line(_ text: String) -> Line? {
        try? JSONDecoder().decode(Line.self, from: Data(text.utf8))
    }
}
