/// The figures for a time window (`GET /api/v1/stats`): overall, per queue, per agent, and a
/// per-minute series for charts. Field names are those of the JSON.
public struct StatsReport: Sendable, Hashable, Codable {
    /// Start and end of the window (rounded to whole minutes), seconds since 1970.
    public var since: Int64
    public var until: Int64
    /// The queue the report is limited to, if any.
    public var queue: String?
    public var overall: ScopeStats
    public var queues: [String: ScopeStats]
    public var agents: [String: ScopeStats]
    /// One point per minute of the window, oldest first.
    public var series: [MinutePoint]
    public var precision: String
}

/// Counts, SLA and timings of one scope (everything, a queue, or an agent).
public struct ScopeStats: Sendable, Hashable, Codable {
    public var offered = 0
    public var answered = 0
    public var abandoned = 0
    public var missedOffers = 0
    public var transferred = 0
    /// Answered within the SLA over answered plus abandoned after the SLA, in percent; nil with neither.
    @NullEncoded public var slaPercent: Double?
    public var wait = TimingSummary(count: 0)
    public var firstResponse = TimingSummary(count: 0)
    public var response = TimingSummary(count: 0)
    public var handle = TimingSummary(count: 0)
    /// Visitors' ratings of the chats (1–5), the last one per chat.
    public var csat = CSATSummary(distribution: [0, 0, 0, 0, 0])

    enum CodingKeys: String, CodingKey {
        case offered, answered, abandoned, missedOffers = "missed_offers", transferred, slaPercent = "sla_percent"
        case wait, firstResponse = "first_response", response, handle, csat
    }
}

/// Ratings of one scope: how many, their mean, and how many gave each score.
public struct CSATSummary: Sendable, Hashable, Codable {
    public var count: Int
    /// Nil with no rating.
    @NullEncoded public var mean: Double?
    /// Ratings per score, `"1"` to `"5"`.
    public var distribution: [String: Int]

    /// From the counts of scores 1 to 5, in order.
    public init(distribution counts: [Int]) {
        let counts = (0..<5).map { $0 < counts.count ? counts[$0] : 0 }
        count = counts.reduce(0, +)
        let total = counts.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }
        mean = count == 0 ? nil : Double(total) / Double(count)
        distribution = Dictionary(uniqueKeysWithValues: counts.enumerated().map { (String($0.offset + 1), $0.element) })
    }

    enum CodingKeys: String, CodingKey { case count, mean, distribution }
}

/// One minute of the series: counts and, per timing, count, mean and p90 in seconds.
public struct MinutePoint: Sendable, Hashable, Codable {
    /// The minute's start, seconds since 1970.
    public var start: Int64
    public var offered: Int
    public var answered: Int
    public var abandoned: Int
    public var wait: Point
    public var firstResponse: Point
    public var response: Point
    public var handle: Point

    public struct Point: Sendable, Hashable, Codable {
        public var count: Int
        @NullEncoded public var mean: Double?
        @NullEncoded public var p90: Double?

        enum CodingKeys: String, CodingKey { case count, mean, p90 }
    }

    enum CodingKeys: String, CodingKey {
        case start, offered, answered, abandoned, wait, firstResponse = "first_response", response, handle
    }
}
