import Foundation
import Testing
@testable import Routing

/// The visitor's transcript (`/transcript`) and the files kept with lines, without a router.
@Suite struct VisitorTranscriptTests {
    static func line(_ kind: TranscriptKind, _ from: String, _ text: String, replaces: String? = nil) throws -> TranscriptLine {
        var json = #"{"t":1796500860000,"kind":"\#(kind.rawValue)","from":"\#(from)","text":"\#(text)""#
        if let replaces { json += #","replaces":"\#(replaces)""# }
        return try JSONDecoder().decode(TranscriptLine.self, from: Data((json + "}").utf8))
    }

    @Test func showsWhatWasSaidButNeverNotesWhispersOrTheServicesLines() throws {
        let lines = [
            try Self.line(.visitor, "v@x", "Hello"), try Self.line(.note, "a@x", "secret note"),
            try Self.line(.agent, "a@x", "Hi"), try Self.line(.whisper, "boss@x", "psst"),
            try Self.line(.system, "switchboard", "The visitor sent an encrypted message"),
            try Self.line(.agent, "a@x", "Hi there", replaces: "sb-1"),
        ]
        let text = VisitorTranscript.text(chat: "7", lines) { $0 == "a@x" ? "Alice" : "?" }
        #expect(text == """
            Transcript of chat 7:
            [2026-12-05 20:01] You: Hello
            [2026-12-05 20:01] Alice: Hi
            [2026-12-05 20:01] Alice (correction): Hi there
            """)
    }

    @Test func aLongTranscriptKeepsItsLatestLinesWithinOneMessage() throws {
        let long = String(repeating: "x", count: 1000)
        let lines = try (0..<100).map { _ in try Self.line(.visitor, "v@x", long) }
        let text = VisitorTranscript.text(chat: "7", lines) { _ in "Agent" }
        #expect(text.utf8.count <= VisitorTranscript.maxBytes)
        #expect(text.contains("earlier lines left out"))
        #expect(VisitorTranscript.isRequest(" /Transcript ") && VisitorTranscript.isRequest("!transcript"))
        #expect(!VisitorTranscript.isRequest("/transcripts"))
    }

    @Test func onlyHTTPURLsOfBoundedLengthAreFiles() {
        #expect(Attachment(url: "https://up.example/a%20b/photo.JPG")?.type == "image/jpeg")
        #expect(Attachment(url: "http://up.example/f")?.name == "f")
        for refused in [
            "javascript:alert(1)", "file:///etc/passwd", "ftp://x/y", "https://", "https://up.example/a b.png", "https://x/\u{7}",
            "https://up.example/" + String(repeating: "a", count: Attachment.maxURLBytes), "not a url",
        ] {
            #expect(Attachment(url: refused) == nil, "\(refused)")
        }
    }
}
