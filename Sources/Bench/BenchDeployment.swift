import LocalServices
import XMPP

/// An account the bench signs in with: a visitor or an agent.
public struct BenchAccount: Sendable, Equatable {
    /// The bare account JID; the bench binds its own resource.
    public var jid: JID
    /// Never logged or printed.
    public var password: String

    public init(jid: JID, password: String) {
        self.jid = jid
        self.password = password
    }
}

/// Where the bench's traffic goes and what it may read there: the servers it started itself, or
/// a running deployment it attached to (`AttachedDeployment`). The phases read only this, so the
/// same scenario runs against either.
struct BenchDeployment: Sendable {
    /// Accounts' domain (the direct path writes to agents there).
    let userDomain: String
    /// The router's component domain: agents' `/status` goes there.
    let serviceDomain: String
    /// Queue addresses' local parts: chat `n` goes to `queues[n % count]`.
    let queues: [String]
    /// XMPP visitors' accounts, by visitor index (web visitors have none).
    let visitorAccounts: [Int: BenchAccount]
    let agentAccounts: [BenchAccount]
    /// How a session reaches the XMPP server (host, port, TLS).
    let client: @Sendable (BenchAccount) throws -> ClientConfiguration
    /// The router's Redis and key prefix, when the bench may read its memory.
    let redisURL: String?
    let redisPrefix: String
    /// Processes whose CPU and memory are read (nil: not known).
    let xmppServerPID: Int32?
    let xmppServerName: String
    let redisPID: Int32?
    /// The router of an attached deployment (the bench starts none).
    let attachedRouterPID: Int32?

    /// Prosody and Redis when the bench started them (nil when attached).
    let startedServers: (prosody: ProsodyServer, redis: RedisServer?)?

    var isAttached: Bool { startedServers == nil }

    /// The deployment the bench starts itself: its own Prosody with `visitorN`/`agentN`, its
    /// Redis, queues `q0…`.
    static func started(_ scenario: Scenario, prosody: ProsodyServer, redis: RedisServer?) -> BenchDeployment {
        func account(_ user: String) -> BenchAccount? {
            (try? JID(local: user, domain: prosody.domain)).map { BenchAccount(jid: $0, password: BenchAccounts.password) }
        }
        var visitors: [Int: BenchAccount] = [:]
        for index in 0..<scenario.visitors where !scenario.visitorChannel.isWeb(visitor: index) {
            visitors[index] = account(BenchAccounts.visitor(index))
        }
        return BenchDeployment(
            userDomain: prosody.domain, serviceDomain: prosody.serviceDomain, queues: (0..<scenario.queues).map { "q\($0)" },
            visitorAccounts: visitors, agentAccounts: (0..<scenario.agents).compactMap { account(BenchAccounts.agent($0)) },
            client: { account in
                guard let user = account.jid.local else { throw BenchError.setup("an account without a user name") }
                return try prosody.clientConfiguration(user, password: account.password)
            },
            redisURL: redis?.url, redisPrefix: BenchWorkflow.prefix, xmppServerPID: prosody.pid, xmppServerName: ProcessName.prosody,
            redisPID: redis?.currentProcess?.pid, attachedRouterPID: nil, startedServers: (prosody, redis))
    }

    /// The queue address of chat `number`.
    func queue(ofChat number: Int) -> String { queues[number % queues.count] }
}
