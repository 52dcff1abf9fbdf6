@testable import Bench
import Testing

/// The bench's message bodies, read from plain messages and from the router's offers.
@Suite struct BenchTextTests {
    @Test func aBodyRoundTrips() {
        let text = BenchText(sender: .visitor, chat: 12, sequence: 3, sentAt: 987_654_321)
        #expect(text.body == "v:12:3:987654321")
        #expect(BenchText(in: text.body, from: .visitor) == text)
        #expect(BenchText(in: text.body, from: .agent) == nil)
    }

    @Test func anOfferQuotesTheFirstMessageOnItsLastLine() {
        let offer = "New chat 7 in q1 from visitor3, waiting 0 s.\nvisitor3: v:41:0:1234"
        #expect(BenchText(in: offer, from: .visitor) == BenchText(sender: .visitor, chat: 41, sequence: 0, sentAt: 1234))
    }

    @Test func otherTextIsNoBenchMessage() {
        for text in ["", "v:", "v:1:2", "v:a:1:2", "a:1:2:3:4", "Welcome!\nYou are number 1 in line.", "The visitor ended the chat."] {
            #expect(BenchText(in: text, from: .visitor) == nil, "\(text)")
        }
    }
}
