import Foundation
import Redis
import RoutingSchema

/// `/metrics` in the Prometheus text format (0.0.4): all-time counters and timing histograms per
/// queue from the totals the applying script keeps in Redis (so a restart of the service does not
/// reset them), and gauges of the live routing state. Written here rather than through a metrics
/// registry because every value already lives in Redis: a process-local registry would start from
/// zero after each restart.
struct MetricsText {
    let reader: StatsReader
    let live: LiveStateReader

    static let counters: [(kind: String, name: String, help: String)] = [
        ("offered", "switchboard_chats_offered_total", "Chats that entered a queue (again after a transfer or requeue)."),
        ("answered", "switchboard_chats_answered_total", "Chats accepted by an agent (or given, with auto accept)."),
        ("abandoned", "switchboard_chats_abandoned_total", "Chats closed before an agent accepted them."),
        ("missed", "switchboard_offers_missed_total", "Offers to agents that timed out."),
        ("transferred", "switchboard_chats_transferred_total", "Chats an agent transferred away, by the queue they left."),
        ("in_sla", "switchboard_chats_answered_within_sla_total", "Chats answered within their queue's SLA."),
        ("abandoned_late", "switchboard_chats_abandoned_after_sla_total", "Chats abandoned after waiting longer than the SLA."),
    ]

    static let timings: [(kind: String, name: String, help: String)] = [
        ("wait", "switchboard_wait_seconds", "Queued (or transferred) until accepted."),
        ("first_response", "switchboard_first_response_seconds", "Accepted until the agent's first message."),
        ("response", "switchboard_response_seconds", "A visitor message without a reply until the next agent message."),
        ("handle", "switchboard_handle_seconds", "Accepted until closed."),
    ]

    func render() async throws -> String {
        let values = try await reader.redis.send("HGETALL", reader.keys.totals).array?.compactMap(\.string) ?? []
        var totals: [String: Int64] = [:]
        for index in stride(from: 0, to: values.count - 1, by: 2) { totals[values[index]] = Int64(values[index + 1]) ?? 0 }
        let state = try await live.read()
        let queues = Set(state.queues.map(\.name)).union(totals.keys.compactMap { $0.split(separator: "|", omittingEmptySubsequences: false).dropFirst().first.map(String.init) }).sorted()

        var out = ""
        for counter in Self.counters {
            out += "# HELP \(counter.name) \(counter.help)\n# TYPE \(counter.name) counter\n"
            for queue in queues { out += "\(counter.name){queue=\"\(Self.label(queue))\"} \(totals["\(counter.kind)|\(queue)"] ?? 0)\n" }
        }
        for timing in Self.timings {
            out += "# HELP \(timing.name) \(timing.help)\n# TYPE \(timing.name) histogram\n"
            for queue in queues {
                let key = "\(timing.kind)|\(queue)"
                let label = "queue=\"\(Self.label(queue))\""
                var cumulative: Int64 = 0
                for bound in MetricsBuckets.bounds {
                    cumulative += totals["\(key)|le|\(bound)"] ?? 0
                    out += "\(timing.name)_bucket{\(label),le=\"\(Self.seconds(bound))\"} \(cumulative)\n"
                }
                let count = totals["\(key)|count"] ?? 0
                out += "\(timing.name)_bucket{\(label),le=\"+Inf\"} \(count)\n"
                out += "\(timing.name)_sum{\(label)} \(Self.seconds(totals["\(key)|sum"] ?? 0))\n"
                out += "\(timing.name)_count{\(label)} \(count)\n"
            }
        }
        out += "# HELP switchboard_csat_ratings_total Ratings visitors gave closed chats, by score (a replaced rating counts too).\n"
        out += "# TYPE switchboard_csat_ratings_total counter\n"
        for queue in queues {
            for score in 1...5 {
                out += "switchboard_csat_ratings_total{queue=\"\(Self.label(queue))\",score=\"\(score)\"} \(totals["csat|\(queue)|\(score)"] ?? 0)\n"
            }
        }
        out += gauge("switchboard_queue_waiting", "Chats waiting in the queue now.", state.queues.map { ("queue=\"\(Self.label($0.name))\"", String($0.waiting)) })
        out += gauge("switchboard_queue_oldest_wait_seconds", "How long the longest-waiting chat has waited.", state.queues.map {
            ("queue=\"\(Self.label($0.name))\"", String($0.oldestWait ?? 0))
        })
        out += gauge("switchboard_queue_active_chats", "Chats of the queue an agent has accepted and holds now.", state.queues.map {
            ("queue=\"\(Self.label($0.name))\"", String($0.activeChats))
        })
        out += gauge("switchboard_queue_agents", "Agents able to serve the queue, by state.", state.queues.flatMap { queue in
            [("available", queue.agentsAvailable), ("busy", queue.agentsBusy), ("away", queue.agentsAway), ("offline", queue.agentsOffline)]
                .map { ("queue=\"\(Self.label(queue.name))\",state=\"\($0.0)\"", String($0.1)) }
        })
        out += gauge("switchboard_agent_active_chats", "Chats the agent holds (accepted) now.", state.agents.map {
            ("agent=\"\(Self.label($0.jid))\"", String($0.activeChats))
        })
        // One series per presence, 1 for the agent's present one: series keep their identity as presence changes.
        out += gauge("switchboard_agent_presence", "The agent's presence now (1 for the current one).", state.agents.flatMap { agent in
            AgentPresence.allCases.map { presence in
                ("agent=\"\(Self.label(agent.jid))\",presence=\"\(presence.rawValue)\"", agent.presence == presence.rawValue ? "1" : "0")
            }
        })
        return out
    }

    private func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) gauge\n" + samples.map { "\(name){\($0.labels)} \($0.value)\n" }.joined()
    }

    /// A label value with `\`, `"` and newlines escaped, as the format requires.
    static func label(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func seconds(_ milliseconds: Int64) -> String {
        String(Double(milliseconds) / 1000)
    }
}
