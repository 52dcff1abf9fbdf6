import Foundation
@testable import Routing
import Testing

/// What a bot may answer, and what it may not: each refusal hands the chat to the agents.
@Suite struct BotAnswerTests {
    static func answer(_ json: String) throws(BotAnswerError) -> BotAnswer { try BotAnswer(json: Array(json.utf8)) }

    @Test func repliesAndHandoffs() throws {
        #expect(try Self.answer(#"{"reply": "We open at 9.", "handoff": false}"#) == .reply("We open at 9."))
        #expect(try Self.answer(#"{"reply": "  trimmed \n"}"#) == .reply("trimmed"), "handoff defaults to false")
        #expect(try Self.answer(#"{"handoff": true, "queue": "billing"}"#) == .handoff(queue: "billing", reply: nil))
        #expect(try Self.answer(#"{"handoff": true}"#) == .handoff(queue: nil, reply: nil), "no queue: the chat's own")
        #expect(try Self.answer(#"{"handoff": true, "reply": "Passing you on", "queue": null}"#) == .handoff(queue: nil, reply: "Passing you on"))
        #expect(try Self.answer(#"{"reply": "ok", "confidence": 0.3}"#) == .reply("ok"), "unknown fields are ignored")
    }

    @Test func badAnswers() {
        let cases: [(String, BotAnswerError)] = [
            ("", .notAnObject), ("[1]", .notAnObject), ("\"hi\"", .notAnObject), ("{", .notAnObject),
            (#"{"reply": 42}"#, .badField("reply has the wrong type")),
            (#"{"reply": "x", "handoff": "yes"}"#, .badField("handoff has the wrong type")),
            (#"{"handoff": true, "queue": 7}"#, .badField("queue has the wrong type")),
            (#"{"handoff": true, "queue": ""}"#, .badField("queue must be a queue's name")),
            (#"{"handoff": false}"#, .badField("an answer without handoff needs a reply")),
            (#"{"reply": "   "}"#, .badField("an answer without handoff needs a reply")),
            (#"{"reply": "\#(String(repeating: "a", count: BotAnswer.longestReply + 1))"}"#,
             .badField("reply is over \(BotAnswer.longestReply) bytes")),
        ]
        for (json, expected) in cases {
            #expect(throws: expected, "\(json.prefix(40))") { try Self.answer(json) }
        }
        let huge = Array(#"{"reply": ""#.utf8) + [UInt8](repeating: 0x61, count: BotAnswer.longestAnswer) + Array(#""}"#.utf8)
        #expect(throws: BotAnswerError.tooLong) { try BotAnswer(json: huge) }
    }
}
