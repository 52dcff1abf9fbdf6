import Foundation

/// `/transcript` (or `!transcript`) from an XMPP visitor: their open chat in the queue, or else
/// their last closed one still kept, as one plain-text message. Only what the visitor and agents
/// said: internal notes, supervisors' whispers and the service's own lines never appear. The
/// web service gives the same text as a file (`TranscriptDownload`).
public struct VisitorTranscript: Sendable {
    let store: RoutingStore
    let outbox: Outbox

    /// A transcript is one message: past this many bytes its earliest lines are left out, so a
    /// long chat cannot make a stanza the visitor's server refuses (Prosody takes 256 KiB).
    public static let maxBytes = 32 * 1024

    static func isRequest(_ body: String) -> Bool {
        ["/transcript", "!transcript"].contains(body.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
    }

    /// `address`: where the visitor wrote, which the answer comes from.
    func send(to visitor: String, queue: String, address: String, rules: RoutingRules) async throws {
        var chat = try await store.openChatRecord(queue: queue, visitor: visitor)?.id
        if chat == nil { chat = try await store.lastClosedChat(visitor: visitor) }
        guard let chat, let (_, lines) = try await store.chatWithTranscript(chat) else {
            outbox.tellVisitor(visitor, from: address, "You have no chat with us to send a transcript of.", rules: rules)
            return
        }
        let text = Self.text(chat: chat, lines) { rules.agents[$0]?.name ?? "Agent" }
        outbox.tellVisitor(visitor, from: address, text, rules: rules)
    }

    /// The visitor's transcript: a heading, then one line per message, `[time UTC] who: text`,
    /// corrections marked as such (the corrected line stays), files by their URL.
    public static func text(chat: String, _ lines: [TranscriptLine], agentName: (String) -> String) -> String {
        var body: [String] = []
        for line in lines {
            let who: String
            switch line.kind {
            case .visitor: who = "You"
            case .agent: who = agentName(line.from)
            case .bot: who = line.from
            case .note, .whisper, .system: continue
            }
            var text = line.text
            if let url = line.attachment?.url, url != text { text += " (file: \(url))" }
            let edited = line.replaces == nil ? "" : " (correction)"
            body.append("[\(time(line.t))] \(who)\(edited): \(text)")
        }
        let heading = body.isEmpty ? "Transcript of chat \(chat): nothing was said yet." : "Transcript of chat \(chat):"
        var size = heading.utf8.count + body.reduce(0) { $0 + $1.utf8.count + 1 }
        var dropped = 0
        while size > maxBytes, dropped < body.count {
            size -= body[dropped].utf8.count + 1
            dropped += 1
        }
        let note = dropped > 0 ? ["(\(dropped) earlier lines left out)"] : []
        return ([heading] + note + body.dropFirst(dropped)).joined(separator: "\n")
    }

    /// `2026-12-05 20:01` in UTC, from Redis's milliseconds.
    private static func time(_ milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let iso = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
        return String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
