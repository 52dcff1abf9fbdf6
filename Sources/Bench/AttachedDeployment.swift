import Foundation
import XMPP

/// A running deployment that `switchboard bench --attach` measures without starting anything:
/// its XMPP server's client port, accounts made there beforehand, the router's component domain
/// and queues, and optionally its Redis and the PIDs whose CPU and memory are read.
public struct AttachedDeployment: Sendable {
    public var c2sHost: String
    public var c2sPort: Int
    public var security: ClientSecurity
    /// The router's component domain (agents send `/status` there).
    public var serviceDomain: String
    /// Local parts of the queue addresses chats go to, in turn (`sales` for `sales@SERVICE`).
    public var queues: [String]
    public var visitors: [BenchAccount]
    public var agents: [BenchAccount]
    /// The router's Redis, read only (INFO, SCARD, GET, MEMORY USAGE), for its memory per chat.
    public var redisURL: String?
    public var redisPrefix: String
    public var routerPID: Int32?
    public var xmppServerPID: Int32?
    public var redisPID: Int32?

    public init(
        c2sHost: String, c2sPort: Int, security: ClientSecurity, serviceDomain: String, queues: [String],
        visitors: [BenchAccount], agents: [BenchAccount], redisURL: String? = nil, redisPrefix: String = "sb",
        routerPID: Int32? = nil, xmppServerPID: Int32? = nil, redisPID: Int32? = nil
    ) {
        self.c2sHost = c2sHost
        self.c2sPort = c2sPort
        self.security = security
        self.serviceDomain = serviceDomain
        self.queues = queues
        self.visitors = visitors
        self.agents = agents
        self.redisURL = redisURL
        self.redisPrefix = redisPrefix
        self.routerPID = routerPID
        self.xmppServerPID = xmppServerPID
        self.redisPID = redisPID
    }

    /// The largest PID Linux hands out (`pid_max` cannot exceed 2^22).
    public static let maximumPID: Int32 = 4_194_304
    public static let maximumQueues = 1_000

    /// What makes the deployment unusable, in words; nil when it can be measured.
    public var problem: String? {
        if !(1...65535).contains(c2sPort) { return "the XMPP client port is 1 to 65535" }
        if c2sHost.isEmpty || c2sHost.utf8.count > 253 { return "the XMPP host is a name or address of at most 253 bytes" }
        if (try? JID(domain: serviceDomain)) == nil { return "the component domain \"\(serviceDomain)\" is no XMPP domain" }
        if queues.isEmpty || queues.count > Self.maximumQueues { return "one to \(Self.maximumQueues) queues" }
        for queue in queues where (try? JID(local: queue, domain: serviceDomain)) == nil {
            return "the queue \"\(queue)\" is no address's local part"
        }
        if visitors.isEmpty || agents.isEmpty { return "the accounts list needs at least one visitor and one agent" }
        if redisPrefix.isEmpty || redisPrefix.utf8.count > 64 || !redisPrefix.allSatisfy({ $0.isASCII && !$0.isWhitespace }) {
            return "the Redis key prefix is 1 to 64 printable ASCII characters"
        }
        for (name, pid) in [("router", routerPID), ("XMPP server", xmppServerPID), ("Redis", redisPID)] {
            guard let pid else { continue }
            if pid < 1 || pid > Self.maximumPID { return "the \(name) PID is 1 to \(Self.maximumPID)" }
            if ProcessReading(pid: pid) == nil { return "no process \(pid) (the \(name)) can be read in /proc" }
        }
        return nil
    }

    /// The deployment as the phases see it.
    func deployment(_ scenario: Scenario) -> BenchDeployment {
        let host = c2sHost, port = c2sPort, security = security
        var visitorAccounts: [Int: BenchAccount] = [:]
        for (index, account) in visitors.prefix(scenario.visitors).enumerated() { visitorAccounts[index] = account }
        return BenchDeployment(
            userDomain: agents[0].jid.domain, serviceDomain: serviceDomain, queues: queues, visitorAccounts: visitorAccounts,
            agentAccounts: Array(agents.prefix(scenario.agents)),
            client: { account in
                ClientConfiguration(
                    jid: try account.jid.with(resource: "bench"), password: account.password, host: host, port: port, security: security)
            },
            redisURL: redisURL, redisPrefix: redisPrefix, xmppServerPID: xmppServerPID, xmppServerName: ProcessName.xmppServer,
            redisPID: redisPID, attachedRouterPID: routerPID, startedServers: nil)
    }
}
