/// A scripted day at the help desk with fixed timestamps (milliseconds after `start`), and the
/// figures it must give. Every expected number is worked out by hand in the comments, from the
/// README's definitions.
enum ScriptedScenario {
    /// 2027-01-15 08:00:00 UTC, a minute boundary.
    static let start: Int64 = 1_800_000_000_000
    static let slas: [String: Duration] = ["sales": .seconds(30), "support": .seconds(60)]

    static func event(_ type: String, _ chat: String, _ queue: String, _ agent: String = "", at ms: Int64, _ extra: [(String, String)] = []) -> ScriptedEvent {
        ScriptedEvent(type: type, chat: chat, queue: queue, agent: agent, ts: start + ms, extra: extra)
    }

    static let events: [ScriptedEvent] = [
        // Chat 1, sales, auto accept by dave, with bursts of visitor messages.
        event("queued", "1", "sales", at: 0, [("visitor", "v1@x"), ("channel", "xmpp")]),
        event("visitor_message", "1", "sales", at: 0),
        event("visitor_message", "1", "sales", at: 1_000),            // same run: no reply yet
        event("assigned", "1", "sales", "dave", at: 1_500),             // wait 1500 (in SLA)
        event("visitor_message", "1", "sales", "dave", at: 2_000),      // still the same run
        event("agent_message", "1", "sales", "dave", at: 2_300),        // first response 800, response 2300
        event("agent_message", "1", "sales", "dave", at: 2_500),        // nothing waits for it
        event("visitor_message", "1", "sales", "dave", at: 3_000),
        event("visitor_message", "1", "sales", "dave", at: 3_100),
        event("agent_message", "1", "sales", "dave", at: 3_700),        // response 700 (one sample per run)
        // Chat 2, sales, manual accept: alice misses the offer, bob takes it, transfers it to support.
        event("queued", "2", "sales", at: 5_000),
        event("offered", "2", "sales", "alice", at: 5_100),
        event("offer_timeout", "2", "sales", "alice", at: 6_100),       // a missed offer (sales, alice)
        event("offered", "2", "sales", "bob", at: 6_200),
        event("accepted", "2", "sales", "bob", at: 7_000),              // wait 2000 (in SLA)
        event("visitor_message", "2", "sales", "bob", at: 7_400),
        event("agent_message", "2", "sales", "bob", at: 7_600),         // first response 600, response 200
        event("queued", "3", "sales", at: 8_000),
        event("transferred", "2", "support", "bob", at: 9_000, [("from_queue", "sales"), ("to_queue", "support")]),
        event("closed", "3", "sales", at: 9_500, [("by", "visitor"), ("abandoned", "1")]),  // abandoned after 1500: within SLA
        event("closed", "1", "sales", "dave", at: 10_000, [("by", "agent"), ("abandoned", "0")]),  // handle 8500
        event("assigned", "2", "support", "carol", at: 10_200),         // support's wait from the transfer: 1200
        event("visitor_message", "2", "support", "carol", at: 10_300),
        event("agent_message", "2", "support", "carol", at: 10_900),    // first response 700, response 600
        event("closed", "2", "support", "carol", at: 12_000, [("by", "visitor"), ("abandoned", "0")]),  // handle 1800
        // Chat 4 waits 40 s in sales (SLA 30 s) and is abandoned: late.
        event("queued", "4", "sales", at: 20_000),
        event("presence", "", "", "alice", at: 30_000, [("presence", "away")]),  // no chat: ignored
        event("closed", "4", "sales", at: 60_000, [("by", "visitor"), ("abandoned", "1")]),
        // Chat 5: chat 3's visitor comes back (a new conversation); alice goes offline, it is requeued.
        event("queued", "5", "sales", at: 61_000),
        event("visitor_message", "5", "sales", at: 61_000),
        event("assigned", "5", "sales", "alice", at: 62_000),           // wait 1000
        event("agent_message", "5", "sales", "alice", at: 62_500),      // first response 500, response 1500
        event("requeued", "5", "sales", "alice", at: 63_000, [("reason", "agent-offline")]),  // offered again, waits anew
        event("visitor_message", "5", "sales", at: 63_500),
        event("assigned", "5", "sales", "bob", at: 64_000),             // wait 1000
        event("agent_message", "5", "sales", "bob", at: 64_400),        // first response 400, response 900
        event("closed", "5", "sales", "bob", at: 65_000, [("by", "visitor"), ("abandoned", "0")]),  // handle 1000
        // Chat 6 answered late (35 s in sales), never closed.
        event("queued", "6", "sales", at: 70_000),
        // Chat 7 starts in support and overflows to sales: its wait goes on.
        event("queued", "7", "support", at: 80_000),
        event("overflow", "7", "sales", at: 90_000, [("step", "1"), ("action", "move"), ("from", "support")]),
        event("assigned", "7", "sales", "alice", at: 91_000),           // wait 11000 (in SLA), answered in sales
        event("assigned", "6", "sales", "alice", at: 105_000),          // wait 35000 (late)
        // Chat 8: support, carol takes it and hands it to dave, who never accepts; the visitor leaves.
        event("queued", "8", "support", at: 120_000),
        event("assigned", "8", "support", "carol", at: 121_000),        // wait 1000
        event("transferred", "8", "support", "carol", at: 122_000, [("to_agent", "dave")]),  // offered again in support
        event("offered", "8", "support", "dave", at: 122_100),
        event("monitored", "8", "", "dave", at: 122_500, [("supervisor", "carol")]),
        event("closed", "8", "support", "dave", at: 125_000, [("by", "visitor"), ("abandoned", "1")]),  // abandoned after 3000
        // Ratings of closed chats: chat 1's visitor changes 4 to 5 (the last counts), chats 2 and 5 once.
        event("rated", "1", "sales", "dave", at: 130_000, [("score", "4"), ("previous", "0"), ("comment", "ok")]),
        event("rated", "1", "sales", "dave", at: 131_000, [("score", "5"), ("previous", "4"), ("comment", "")]),
        event("rated", "2", "support", "carol", at: 132_000, [("score", "2"), ("previous", "0"), ("comment", "slow")]),
        event("rated", "5", "sales", "bob", at: 133_000, [("score", "3"), ("previous", "0"), ("comment", "")]),
    ]
}
