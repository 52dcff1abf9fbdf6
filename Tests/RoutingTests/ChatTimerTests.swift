@testable import Routing
import Testing

/// Timers and chat records: read once into types, spelt in one place.
@Suite struct ChatTimerTests {
    @Test func timerMembersRoundTrip() {
        let timers: [ChatTimer] = [.offer(chat: "42"), .grace(agent: "alice@localhost"), .gone(chat: "7"), .overflow(chat: "9", step: 2)]
        for timer in timers { #expect(ChatTimer(member: timer.member) == timer) }
        #expect(ChatTimer.offer(chat: "42").member == "offer|42")
        #expect(ChatTimer.overflow(chat: "9", step: 2).member == "overflow|9|2")
        for unknown in ["", "offer", "offer|", "nap|42", "overflow|9", "overflow|9|x", "gone|1|2"] { #expect(ChatTimer(member: unknown) == nil) }
    }

    @Test func aChatRecordReadsTheHash() {
        let record = ChatRecord(id: "5", fields: [
            "visitor": "v@localhost", "queue": "sales", "name": "Zoë", "state": "active", "agent": "alice@localhost",
            "channel": "web", "queued_at": "1700000000000",
        ])
        #expect(record.visitor == "v@localhost" && record.queue == "sales" && record.name == "Zoë")
        #expect(record.state == .active && record.activeAgent == "alice@localhost" && record.channel == .web)
        #expect(record.queuedAt == 1_700_000_000_000)
        let waiting = ChatRecord(id: "6", fields: ["state": "queued", "agent": ""])
        #expect(waiting.agent == nil && waiting.activeAgent == nil && waiting.visitor == nil)
        let offered = ChatRecord(id: "7", fields: ["state": "offered", "agent": "bob@localhost"])
        #expect(offered.agent == "bob@localhost" && offered.activeAgent == nil)
        #expect(ChatRecord(id: "8", fields: ["state": "strange"]).state == nil)
    }
}
