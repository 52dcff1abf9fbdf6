import Foundation
import Synchronization
import XMPP

/// The routing plan as the route script reads it (JSON) and its SHA-1, made once per plan: the
/// plan changes only when the workflow is reloaded. Encoding it each time cost a few hundred
/// allocations per pass with 20 agents; sending it each time, ~2.4 KB per pass to Redis (68 % of
/// the bytes a relayed message cost it), so the script reads it from Redis under its SHA-1.
final class PlanEncoding: Sendable {
    /// A plan as stored in Redis (`RoutingKeys.plan`).
    struct Encoded: Sendable, Equatable {
        let json: String
        let sha1: String
    }

    private let last = Mutex<(plan: [QueuePlan], encoded: Encoded)?>(nil)

    func encoded(_ plan: [QueuePlan]) throws -> Encoded {
        if let last = last.withLock({ $0 }), last.plan == plan { return last.encoded }
        let json = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        let encoded = Encoded(json: json, sha1: Digest.sha1Hex(json))
        last.withLock { $0 = (plan, encoded) }
        return encoded
    }
}
