/// Adds up the facts of one scope (everything, a queue, an agent, or a minute).
struct ScopeAccumulator: Sendable {
    private var counts: [Fact.Kind: Int] = [:]
    private var timings: [Timing: TimingAccumulator] = [:]
    /// Ratings by score (index 0 is 1 star).
    private var ratings = [Int](repeating: 0, count: 5)

    mutating func add(_ fact: Fact) {
        if fact.kind == .rating || fact.kind == .unrated {
            guard (1...5).contains(fact.value) else { return }
            ratings[Int(fact.value) - 1] += fact.kind == .rating ? 1 : -1
        } else if let timing = Timing.allCases.first(where: { $0.factKind == fact.kind }) {
            timings[timing, default: TimingAccumulator()].record(fact.value)
        } else {
            counts[fact.kind, default: 0] += Int(fact.value)
        }
    }

    func count(_ kind: Fact.Kind) -> Int { counts[kind] ?? 0 }

    func timing(_ timing: Timing) -> TimingAccumulator { timings[timing] ?? TimingAccumulator() }

    var stats: ScopeStats {
        var stats = ScopeStats()
        stats.offered = count(.offered)
        stats.answered = count(.answered)
        stats.abandoned = count(.abandoned)
        stats.missedOffers = count(.missed)
        stats.transferred = count(.transferred)
        let slaBase = count(.answered) + count(.abandonedLate)
        stats.slaPercent = slaBase == 0 ? nil : Double(count(.inSLA)) * 100 / Double(slaBase)
        stats.wait = timing(.wait).summary
        stats.firstResponse = timing(.firstResponse).summary
        stats.response = timing(.response).summary
        stats.handle = timing(.handle).summary
        // A replaced rating from before the window is taken back inside it: never below zero.
        stats.csat = CSATSummary(distribution: ratings.map { max($0, 0) })
        return stats
    }

    func point(start: Int64) -> MinutePoint {
        func point(_ timing: Timing) -> MinutePoint.Point {
            let accumulator = self.timing(timing)
            return MinutePoint.Point(count: accumulator.count, mean: accumulator.mean, p90: accumulator.percentile(90))
        }
        return MinutePoint(
            start: start, offered: count(.offered), answered: count(.answered), abandoned: count(.abandoned),
            wait: point(.wait), firstResponse: point(.firstResponse), response: point(.response), handle: point(.handle))
    }
}
