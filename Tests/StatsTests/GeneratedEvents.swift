/// Many chats' events with fixed times, of every shape the applying script knows (auto and manual
/// accept, missed offers, bursts, transfers, requeues, abandonments), for the crash tests.
enum GeneratedEvents {
    static func events(chats: Int, firstChat: Int = 0) -> [ScriptedEvent] {
        var events: [ScriptedEvent] = []
        for index in firstChat..<(firstChat + chats) {
            let id = "g\(index)"
            let t = ScriptedScenario.start + Int64(index) * 4_000
            let agent = ["alice", "bob", "carol"][index % 3]
            func add(_ type: String, _ queue: String, _ agent: String = "", _ offset: Int64, _ extra: [(String, String)] = []) {
                events.append(ScriptedEvent(type: type, chat: id, queue: queue, agent: agent, ts: t + offset, extra: extra))
            }
            add("queued", "sales", "", 0)
            add("visitor_message", "sales", "", 5)
            switch index % 5 {
            case 0:
                add("closed", "sales", "", Int64(index % 40) * 1_000, [("by", "visitor"), ("abandoned", "1")])
            case 1:
                add("offered", "sales", agent, 100)
                add("offer_timeout", "sales", agent, 2_100)
                add("offered", "sales", "bob", 2_200)
                add("accepted", "sales", "bob", 2_200 + Int64(index % 13) * 37)
                add("agent_message", "sales", "bob", 3_000)
                add("closed", "sales", "bob", 9_000, [("by", "agent"), ("abandoned", "0")])
            case 2:
                add("assigned", "sales", agent, Int64(index % 17) * 101)
                add("visitor_message", "sales", agent, 1_900)
                add("visitor_message", "sales", agent, 1_950)
                add("agent_message", "sales", agent, 2_400)
                add("transferred", "support", agent, 2_500, [("from_queue", "sales"), ("to_queue", "support")])
                add("assigned", "support", "carol", 3_300)
                add("agent_message", "support", "carol", 3_900)
                add("closed", "support", "carol", 12_000, [("by", "visitor"), ("abandoned", "0")])
            case 3:
                add("assigned", "sales", agent, 300)
                add("agent_message", "sales", agent, 800)
                add("requeued", "sales", agent, 1_000, [("reason", "agent-offline")])
                add("assigned", "sales", "alice", 1_000 + Int64(index % 31) * 1_009)
                add("visitor_message", "sales", "alice", 40_000)
                add("agent_message", "sales", "alice", 40_500)
            default:
                add("closed", "sales", "", 45_000, [("by", "timeout"), ("abandoned", "1")])
            }
        }
        return events
    }
}
