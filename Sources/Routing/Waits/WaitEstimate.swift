/// How long a waiting visitor should expect to wait, from the queue's recent figures (README,
/// "Estimated waits"): the answer rate of the last `window`, scaled by the agents able to serve
/// now; failing that, the recent median wait times the place in line; with no history, nothing.
public struct WaitEstimate: Sendable, Hashable {
    /// What a queue's recent answers say: each answer's wait and who gave it.
    public struct Answer: Sendable, Hashable {
        public var wait: Duration
        public var agent: String

        public init(wait: Duration, agent: String) {
            self.wait = wait
            self.agent = agent
        }
    }

    /// Answers within the last `window`, oldest first.
    public var answers: [Answer]
    /// Agents able to serve the queue now: available, with its skills (busy or not).
    public var agentsAble: Int
    public var window: Duration

    /// The recent figures reach back this far.
    public static let window: Duration = .seconds(30 * 60)
    /// Fewer answers than this make a rate that is mostly noise: the median wait says more.
    public static let fewestForRate = 3
    /// No estimate above this is told: a day of waiting is "more than a day" to nobody.
    public static let longest: Duration = .seconds(24 * 3600)

    public init(answers: [Answer], agentsAble: Int, window: Duration = WaitEstimate.window) {
        self.answers = answers
        self.agentsAble = agentsAble
        self.window = window
    }

    /// The expected wait at `position` (1 is next), or nil when the queue has no recent history.
    ///
    /// With N answers in the window given by A_w distinct agents, and A agents able to serve now,
    /// each agent answered N / (W × A_w) chats per second, so the queue answers
    /// r = N × A / (W × A_w), and the visitor at place p waits p / r = p × W × A_w / (N × A).
    public func eta(position: Int) -> Duration? {
        let place = Int64(max(position, 1))
        let count = Int64(answers.count)
        guard count > 0 else { return nil }
        let serving = Int64(Set(answers.map(\.agent)).count)
        let estimate: Duration
        if count >= Int64(Self.fewestForRate), agentsAble > 0, serving > 0 {
            let windowMs = window.components.seconds * 1000 + window.components.attoseconds / 1_000_000_000_000_000
            estimate = .milliseconds(place * windowMs * serving / (count * Int64(agentsAble)))
        } else {
            estimate = median * Int(place)
        }
        return min(estimate, Self.longest)
    }

    /// The middle wait (the mean of the two middle ones for an even count).
    var median: Duration {
        let waits = answers.map(\.wait).sorted()
        guard !waits.isEmpty else { return .zero }
        let middle = waits.count / 2
        return waits.count % 2 == 1 ? waits[middle] : (waits[middle - 1] + waits[middle]) / 2
    }
}
