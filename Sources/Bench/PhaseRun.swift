import Synchronization
import XMPP

/// One phase in progress: the target, its measurements, and which visitors are free.
final class PhaseRun: Sendable {
    let target: BenchTarget
    let scenario: Scenario
    let deployment: BenchDeployment
    var serviceDomain: String { deployment.serviceDomain }
    /// The port of the router's web service, for web visitors (switchboard only).
    let webPort: Int?
    let measurements = PhaseMeasurements()
    /// Agents the router has confirmed available (switchboard only).
    let agentsReady = Atomic<Int>(0)
    private let idleVisitors: Mutex<[Int]>

    init(target: BenchTarget, scenario: Scenario, deployment: BenchDeployment, webPort: Int? = nil) {
        self.webPort = webPort
        self.target = target
        self.scenario = scenario
        self.deployment = deployment
        idleVisitors = Mutex(Array((0..<scenario.visitors).reversed()))
    }

    /// A free visitor, taken; nil when all are in chats.
    func takeIdleVisitor() -> Int? {
        idleVisitors.withLock { $0.popLast() }
    }

    func release(visitor: Int) {
        idleVisitors.withLock { $0.insert(visitor, at: 0) }
    }

    /// Where visitor `visitor` writes the messages of chat `number`.
    func address(visitor: Int, chat number: Int) throws -> JID {
        switch target {
        case .switchboard, .floorComponent:
            try JID(local: deployment.queue(ofChat: number), domain: serviceDomain)
        case .direct:
            deployment.agentAccounts[visitor % deployment.agentAccounts.count].jid
        }
    }

    /// Whether a visitor ends each chat with `/end` (only the router has chats to end).
    var endsChats: Bool { target != .direct }
}
