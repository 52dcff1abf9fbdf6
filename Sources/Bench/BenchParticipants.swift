import Logging
import Synchronization
import XMPP

/// Every visitor and agent session of a run, connected once and reused by every phase. Each
/// session's stanzas go to the phase in progress; between phases they are dropped.
final class BenchParticipants: Sendable {
    let visitors: [BenchVisitor]
    let agents: [BenchAgent]
    /// The agents' XMPP sessions, closed at the end (with the visitors' links).
    private let sessions: [XMPPClient]
    private let current = Mutex<PhaseRun?>(nil)
    private let readers = Mutex<[Task<Void, Never>]>([])

    private init(visitors: [BenchVisitor], agents: [BenchAgent], sessions: [XMPPClient]) {
        self.visitors = visitors
        self.agents = agents
        self.sessions = sessions
    }

    /// Signs everyone in (a few at a time: each login costs Prosody a SCRAM hash) with initial
    /// presence; web visitors connect only when they open a chat.
    static func connect(_ deployment: BenchDeployment, _ scenario: Scenario, logger: Logger) async throws -> BenchParticipants {
        let users = deployment.visitorAccounts.sorted { $0.key < $1.key }.map { ($0.value, true, $0.key) }
            + deployment.agentAccounts.enumerated().map { ($0.element, false, $0.offset) }
        var visitors: [Int: (BenchVisitor, XMPPClient?)] = [:], agents: [Int: BenchAgent] = [:]
        for index in 0..<scenario.visitors where scenario.visitorChannel.isWeb(visitor: index) {
            visitors[index] = (BenchVisitor(index: index, link: WebVisitorLink(index: index)), nil)
        }
        try await withThrowingTaskGroup(of: (Bool, Int, XMPPClient).self) { group in
            var waiting = users[...]
            func startNext() {
                guard let (account, isVisitor, index) = waiting.popFirst() else { return }
                group.addTask {
                    let configuration = try deployment.client(account)
                    let client = try await XMPPClient.connect(configuration, logger: logger)
                    try await client.send(Presence())
                    return (isVisitor, index, client)
                }
            }
            for _ in 0..<8 { startNext() }
            while let (isVisitor, index, client) = try await group.next() {
                if isVisitor { visitors[index] = (BenchVisitor(index: index, link: XMPPVisitorLink(client: client)), client) } else {
                    agents[index] = BenchAgent(index: index, client: client)
                }
                startNext()
            }
        }
        let visitorSessions = (0..<scenario.visitors).compactMap { visitors[$0] }
        let agentList = (0..<scenario.agents).compactMap { agents[$0] }
        let participants = BenchParticipants(
            visitors: visitorSessions.map(\.0), agents: agentList,
            sessions: agentList.map(\.client))
        participants.startReading(visitorSessions)
        return participants
    }

    /// The phase whose traffic arrives from now on (nil: none).
    func begin(_ run: PhaseRun?) {
        current.withLock { $0 = run }
    }

    private func startReading(_ visitors: [(BenchVisitor, XMPPClient?)]) {
        var tasks: [Task<Void, Never>] = []
        for case (let visitor, let client?) in visitors {
            tasks.append(Task { await self.read(client, "visitor \(visitor.index)") { await visitor.receive($0, in: $1) } })
        }
        for agent in agents {
            tasks.append(Task { await self.read(agent.client, "agent \(agent.index)") { await agent.receive($0, in: $1) } })
        }
        readers.withLock { $0 = tasks }
    }

    private func read(_ client: XMPPClient, _ who: String, _ handle: (Stanza, PhaseRun) async -> Void) async {
        do {
            for try await stanza in client.stanzas {
                if let run = current.withLock({ $0 }) {
                    run.measurements.link.received(stanza, serviceDomain: run.serviceDomain)
                    await handle(stanza, run)
                }
            }
        } catch {
            current.withLock { $0 }?.measurements.error("\(who)'s session ended: \(error)")
        }
    }

    func close() async {
        current.withLock { $0 = nil }
        for visitor in visitors { await visitor.link.close() }
        for session in sessions { await session.close() }
        for reader in readers.withLock({ $0 }) { await reader.value }
    }
}
