import Foundation
import Synchronization

/// The routing plan as the route script reads it (JSON), encoded once per plan: every routing
/// pass sends it, and the plan changes only when the workflow is reloaded. Encoding it each
/// time cost a few hundred allocations per pass with 20 agents, more with more.
final class PlanEncoding: Sendable {
    private let last = Mutex<(plan: [QueuePlan], json: String)?>(nil)

    func json(_ plan: [QueuePlan]) throws -> String {
        if let last = last.withLock({ $0 }), last.plan == plan { return last.json }
        let json = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        last.withLock { $0 = (plan, json) }
        return json
    }
}
