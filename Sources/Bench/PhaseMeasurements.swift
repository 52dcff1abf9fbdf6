import Synchronization

/// What one phase counted and timed, filled in by visitors and agents as messages arrive.
final class PhaseMeasurements: Sendable {
    /// Visitor's first message → the agent has the chat (the offer, or the message itself on a floor).
    let timeToOffer = LatencyRecorder()
    let visitorToAgent = LatencyRecorder()
    let agentToVisitor = LatencyRecorder()
    /// What crossed the component link (stanzas and bytes by kind).
    let link = LinkTally()

    let chatsStarted = Atomic<Int>(0)
    let chatsOffered = Atomic<Int>(0)
    let chatsFinished = Atomic<Int>(0)
    /// Arrivals that found every visitor busy in a chat: the offered load was not applied.
    let arrivalsSkipped = Atomic<Int>(0)
    let visitorSent = Atomic<Int>(0)
    let agentReceived = Atomic<Int>(0)
    let agentSent = Atomic<Int>(0)
    let visitorReceived = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    /// When the last bench message arrived (`BenchClock`), for the rates.
    let lastArrival = Atomic<UInt64>(0)
    private let errorSamples = Mutex<[String]>([])

    /// Counts an error and keeps the first few descriptions for the report.
    func error(_ description: String) {
        errors.add(1, ordering: .relaxed)
        errorSamples.withLock { samples in
            if samples.count < 10 { samples.append(description) }
        }
    }

    var samples: [String] { errorSamples.withLock { $0 } }

    func arrived(_ now: UInt64) {
        lastArrival.max(now, ordering: .relaxed)
    }

    /// Messages sent and not (yet) received, both directions.
    var missing: Int {
        let towardsAgents = visitorSent.load(ordering: .relaxed) - agentReceived.load(ordering: .relaxed)
        let towardsVisitors = agentSent.load(ordering: .relaxed) - visitorReceived.load(ordering: .relaxed)
        return towardsAgents + towardsVisitors
    }

    var relayed: Int { agentReceived.load(ordering: .relaxed) + visitorReceived.load(ordering: .relaxed) }
}
