/// The values a `MessageTemplate` can show; the router gives those it knows.
public struct TemplateValues: Sendable, Hashable {
    public var position: Int?
    public var eta: Duration?
    /// The wait in words where no estimate in time is known (the router says "a few minutes");
    /// shown for `{eta}` instead of `eta`.
    public var etaText: String?
    public var queue: String?
    public var agent: String?
    public var visitor: String?

    public init(
        position: Int? = nil, eta: Duration? = nil, etaText: String? = nil, queue: String? = nil, agent: String? = nil,
        visitor: String? = nil
    ) {
        self.position = position
        self.eta = eta
        self.etaText = etaText
        self.queue = queue
        self.agent = agent
        self.visitor = visitor
    }

    /// The text for one placeholder, nil when no value was given.
    public subscript(placeholder: MessageTemplate.Placeholder) -> String? {
        switch placeholder {
        case .position: position.map(String.init)
        case .eta: etaText ?? eta.map(Self.describe(eta:))
        case .queue: queue
        case .agent: agent
        case .visitor: visitor
        }
    }

    /// An estimated wait in words for visitors: estimates are rough, so they are rounded up and said so.
    public static func describe(eta: Duration) -> String {
        let seconds = max(0, eta.components.seconds)
        if seconds < 60 { return "less than a minute" }
        let minutes = (seconds + 59) / 60
        if minutes == 1 { return "about a minute" }
        if minutes < 90 { return "about \(minutes) minutes" }
        return "about \((minutes + 59) / 60) hours"
    }
}
