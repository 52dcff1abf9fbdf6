import Testing
import Workflow

/// The queue keys of ratings and waits: `csat`, `csat_window`, `max_wait`, `reply_timeout`, and
/// their texts `messages.csat` and `messages.max_wait`, read and checked with bounds.
@Suite struct RatingsAndWaitsKeysTests {
    @Test func theKeysAreRead() throws {
        let flow = try workflow(queues: """
              - name: sales
                csat: true
                csat_window: 30m
                max_wait: 15m
                reply_timeout: 90s
                messages:
                  csat: "Rate {agent}, {visitor}: 1 to 5"
                  max_wait: "Sorry {visitor}, {queue} is busy"
              - name: plain
            """)
        let sales = try #require(flow.queues.first)
        #expect(sales.csat && sales.csatWindow == .seconds(1800))
        #expect(sales.maxWait == .seconds(900) && sales.replyTimeout == .seconds(90))
        #expect(sales.messages.csat.render(TemplateValues(agent: "Ben", visitor: "Ann")) == "Rate Ben, Ann: 1 to 5")
        #expect(sales.messages.maxWait.render(TemplateValues(queue: "Sales", visitor: "Ann")) == "Sorry Ann, Sales is busy")
        let plain = try #require(flow.queues.last)
        #expect(!plain.csat && plain.csatWindow == .seconds(600) && plain.maxWait == nil && plain.replyTimeout == nil)
        #expect(plain.messages.csat.render(TemplateValues()).contains("1 (poor) to 5 (excellent)"), "a default text")
    }

    @Test func badValuesAreReportedWithTheirBounds() {
        expectProblems(in: """
            xmpp: { secret: s }
            agents:
              - jid: alice@localhost
            queues:
              - name: sales
                csat: maybe
                csat_window: 5s
                max_wait: 2d
                reply_timeout: 0
              - name: support
                csat_window: 1h
                max_wait: 25h
                reply_timeout: soon
                messages:
                  max_wait: "You waited {eta}"
                  csat: "How was {agent} at place {position}?"
            """, [
                (6, "csat: must be true or false, not 'maybe'"),
                (7, "csat_window: must be from 10s to 24h, not '5s'"),
                (8, "max_wait"),
                (9, "reply_timeout: must be from 2s to 1h, not '0'"),
                (11, "csat_window applies only with csat: true"),
                (12, "max_wait: must be from 1s to 24h, not '25h'"),
                (13, "reply_timeout"),
                (15, "max_wait: {eta} has no value in this text"),
                (16, "csat: {position} has no value in this text"),
            ])
    }
}
