/// The traffic and the faults of a fault run (`switchboard bench --preset faults`): who takes
/// part, how long chats arrive, and when each fault strikes, in seconds from the start of the load.
public struct FaultPlan: Sendable, Codable, Equatable {
    /// Seconds of load; faults strike within it.
    public var durationSeconds: Double
    /// Seconds to wait after the load for chats still open before counting what is missing as lost.
    public var drainSeconds: Double
    /// A router is killed (SIGKILL) and restarted this often, the three in turn.
    public var routerKillEverySeconds: Double
    /// At most this many router kills (the short run's one).
    public var routerKills: Int
    /// When the Redis master is killed (SIGKILL; Sentinel promotes the replica, the old master comes back as its replica).
    public var masterKillAtSeconds: Double?
    /// When ejabberd is stopped and started again (every session and component link drops).
    public var ejabberdRestartAtSeconds: Double?
    /// Visitors over XMPP (c2s) and over the widget's WebSocket (through the two `switchboard web` nodes).
    public var xmppVisitors: Int
    public var webVisitors: Int
    /// Agents, each an XMPP client holding at most `capacity` chats (`max_chats`).
    public var agents: Int
    public var capacity: Int
    /// Visitor lines per chat, each answered by the agent.
    public var messagesPerChat: Int

    public init(
        durationSeconds: Double, drainSeconds: Double, routerKillEverySeconds: Double, routerKills: Int, masterKillAtSeconds: Double?,
        ejabberdRestartAtSeconds: Double?, xmppVisitors: Int, webVisitors: Int, agents: Int, capacity: Int, messagesPerChat: Int
    ) {
        self.durationSeconds = durationSeconds
        self.drainSeconds = drainSeconds
        self.routerKillEverySeconds = routerKillEverySeconds
        self.routerKills = routerKills
        self.masterKillAtSeconds = masterKillAtSeconds
        self.ejabberdRestartAtSeconds = ejabberdRestartAtSeconds
        self.xmppVisitors = xmppVisitors
        self.webVisitors = webVisitors
        self.agents = agents
        self.capacity = capacity
        self.messagesPerChat = messagesPerChat
    }

    /// The full run: 150 s, a router killed every 10 s, the master at 45 s, ejabberd at 95 s;
    /// more visitors than the agents' seats, so chats queue and capacity is tested.
    public static let full = FaultPlan(
        durationSeconds: 150, drainSeconds: 60, routerKillEverySeconds: 10, routerKills: 1000, masterKillAtSeconds: 45,
        ejabberdRestartAtSeconds: 95, xmppVisitors: 14, webVisitors: 10, agents: 6, capacity: 3, messagesPerChat: 4)

    /// The CI run: 75 s with one router kill, one master kill and one ejabberd restart; a long
    /// drain (it ends as soon as the last chat does), so a loaded machine's pace loses no chat.
    public static let short = FaultPlan(
        durationSeconds: 75, drainSeconds: 180, routerKillEverySeconds: 12, routerKills: 1, masterKillAtSeconds: 27,
        ejabberdRestartAtSeconds: 45, xmppVisitors: 6, webVisitors: 4, agents: 4, capacity: 2, messagesPerChat: 3)

    public static let limits = (
        durationSeconds: 3_600.0, drainSeconds: 600.0, visitors: 500, agents: 200, capacity: 100, messages: 10, killEvery: 2.0
    )

    /// What makes no sense to run, in words; nil when the plan is runnable.
    public var problem: String? {
        let limits = Self.limits
        if !(durationSeconds > 0 && durationSeconds <= limits.durationSeconds) { return "the duration is 1 to \(Int(limits.durationSeconds)) s" }
        if !(drainSeconds >= 0 && drainSeconds <= limits.drainSeconds) { return "the drain time is 0 to \(Int(limits.drainSeconds)) s" }
        if !(routerKillEverySeconds >= limits.killEvery && routerKillEverySeconds <= limits.durationSeconds) {
            return "routers are killed every \(Int(limits.killEvery)) to \(Int(limits.durationSeconds)) s"
        }
        if routerKills < 0 { return "the router kills cannot be negative" }
        for at in [masterKillAtSeconds, ejabberdRestartAtSeconds].compactMap({ $0 }) where !(at >= 0 && at < durationSeconds) {
            return "a fault strikes within the load: 0 to \(durationSeconds) s"
        }
        if xmppVisitors < 0 || webVisitors < 0 || xmppVisitors + webVisitors < 1 || xmppVisitors + webVisitors > limits.visitors {
            return "1 to \(limits.visitors) visitors in all"
        }
        // 250 loopback addresses per /24, one per web visitor (the web service's limits are per address).
        if webVisitors > 250 { return "at most 250 web visitors" }
        if !(1...limits.agents).contains(agents) || !(1...limits.capacity).contains(capacity) {
            return "1 to \(limits.agents) agents of 1 to \(limits.capacity) chats each"
        }
        // The web service takes 10 messages per session per 10 s.
        if !(1...limits.messages).contains(messagesPerChat) { return "1 to \(limits.messages) messages per chat" }
        return nil
    }

    /// Every fault, in order, with the seconds from the start of the load when it strikes.
    var schedule: [(at: Double, fault: FaultKind)] {
        var faults: [(at: Double, fault: FaultKind)] = []
        var at = routerKillEverySeconds, number = 0
        while at < durationSeconds, number < routerKills {
            faults.append((at, .routerKill(number % 3)))
            at += routerKillEverySeconds
            number += 1
        }
        if let masterKillAtSeconds { faults.append((masterKillAtSeconds, .masterKill)) }
        if let ejabberdRestartAtSeconds { faults.append((ejabberdRestartAtSeconds, .ejabberdRestart)) }
        return faults.sorted { $0.at < $1.at }
    }
}

/// A fault the run strikes.
enum FaultKind: Sendable, Equatable, CustomStringConvertible {
    /// SIGKILL of router N (0…2), restarted at once.
    case routerKill(Int)
    case masterKill
    case ejabberdRestart

    var description: String {
        switch self {
        case .routerKill(let number): "router \(number + 1) killed"
        case .masterKill: "Redis master killed"
        case .ejabberdRestart: "ejabberd restarted"
        }
    }
}
