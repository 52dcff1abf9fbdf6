/// What one phase (one target) measured.
public struct PhaseResult: Sendable, Codable, Equatable {
    public var target: BenchTarget
    /// From the first arrival to the last bench message received, in seconds.
    public var elapsedSeconds: Double
    public var chatsStarted: Int
    public var chatsOffered: Int
    public var chatsFinished: Int
    /// Arrivals that found every visitor in a chat (the load asked for was not applied).
    public var arrivalsSkipped: Int
    /// Bench messages received, both directions.
    public var messagesRelayed: Int
    public var chatsPerSecond: Double
    public var messagesPerSecond: Double
    public var timeToOffer: LatencySummary
    public var visitorToAgent: LatencySummary
    public var agentToVisitor: LatencySummary
    public var errors: Int
    /// Messages sent and never received (after the drain): must be 0.
    public var lost: Int
    /// The first few errors, in words.
    public var errorSamples: [String]
    /// The relaying process (router or floor component), Prosody, Redis, the load generator.
    public var processes: [ProcessUsage]
    /// What the router's chats cost Redis (switchboard, when its Redis is known).
    public var chatMemory: ChatMemoryFigures?
    /// From starting the relay process until it was ready, in seconds (nil: the bench started none).
    public var relayReadySeconds: Double?
    /// What crossed the component link (router or floor component; nil on the direct path).
    public var link: LinkFigures? = nil

    /// The usage of the process called `name`, if it was watched.
    public func process(_ name: String) -> ProcessUsage? {
        processes.first { $0.name == name }
    }

    /// The process that relayed: the router or the floor component.
    public var relay: ProcessUsage? {
        processes.first { $0.name == ProcessName.router || $0.name == ProcessName.floor }
    }

    /// Whether the phase counted no error and lost nothing.
    public var isClean: Bool { errors == 0 && lost == 0 }
}

/// The names processes carry in results.
public enum ProcessName {
    public static let router = "router"
    public static let floor = "floor component"
    public static let prosody = "prosody"
    /// The XMPP server of an attached deployment (Prosody or ejabberd).
    public static let xmppServer = "xmpp server"
    public static let redis = "redis"
    public static let loadGenerator = "load generator"
}
