/// One thing the applying script recorded: a count or a timing sample, with its queue and agent,
/// stored as `kind TAB queue TAB agent TAB value` in the list of the minute it happened in.
struct Fact: Sendable, Hashable {
    enum Kind: String, Sendable, CaseIterable {
        // Counts (value 1).
        case offered, answered, abandoned, missed, transferred
        /// Answered within the queue's SLA.
        case inSLA = "in_sla"
        /// Abandoned after waiting longer than the queue's SLA.
        case abandonedLate = "abandoned_late"
        // Timings (value in milliseconds).
        case wait, firstResponse = "first_response", response, handle
        /// A visitor's rating (value: the score, 1–5); `unrated` takes back one it replaced.
        case rating, unrated
    }

    var kind: Kind
    var queue: String
    /// Empty when no agent is involved (offered, abandoned).
    var agent: String
    var value: Int64

    /// Nil for a line this version does not know (written by a newer one): skipped, not fatal.
    init?(line: String) {
        let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard parts.count == 4, let kind = Kind(rawValue: String(parts[0])), let value = Int64(parts[3]) else { return nil }
        self.init(kind: kind, queue: String(parts[1]), agent: String(parts[2]), value: value)
    }

    init(kind: Kind, queue: String, agent: String, value: Int64) {
        self.kind = kind
        self.queue = queue
        self.agent = agent
        self.value = value
    }
}

/// The four timings the stats report, as the README defines them.
public enum Timing: String, Sendable, CaseIterable, Codable {
    case wait, firstResponse = "first_response", response, handle

    var factKind: Fact.Kind {
        switch self {
        case .wait: .wait
        case .firstResponse: .firstResponse
        case .response: .response
        case .handle: .handle
        }
    }
}
