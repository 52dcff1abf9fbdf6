import XMPP

/// A chat offered or given to an agent, as consoles read it beside the offer's text:
/// `<offer xmlns='urn:switchboard:offer' chat queue name state waited [timeout] sla [ages]/>`,
/// times in whole seconds.
public struct OfferSummary: Sendable, Hashable {
    public static let namespace = "urn:switchboard:offer"

    public var chat: String
    public var queue: String
    /// The visitor's name.
    public var name: String
    /// `offered` (waiting for accept) or `active` (given).
    public var isOffered: Bool
    public var waited: Int
    /// How long the offer stands (offers only).
    public var timeout: Int?
    public var sla: Int?
    /// For each line of history in the offer's text, how many seconds before the offer it was
    /// written (`ages='95,12'`): a console shows when the visitor wrote, not when the offer came.
    /// Ages, not clock times, so a console's clock need not agree with the router's.
    public var historyAges: [Int]

    /// More ages than this are not read: an offer's history is bounded, a hostile attribute is not.
    public static let historyLimit = 10_000

    public init(
        chat: String, queue: String, name: String, isOffered: Bool, waited: Int, timeout: Int?, sla: Int?,
        historyAges: [Int] = []
    ) {
        self.chat = chat
        self.queue = queue
        self.name = name
        self.isOffered = isOffered
        self.waited = waited
        self.timeout = timeout
        self.sla = sla
        self.historyAges = historyAges
    }

    /// The summary among a message's children, if any.
    public init?(in parent: XMLElement) {
        guard let detail = parent.child("offer", namespace: Self.namespace) else { return nil }
        self.init(
            chat: detail[attribute: "chat"] ?? "", queue: detail[attribute: "queue"] ?? "", name: detail[attribute: "name"] ?? "",
            isOffered: detail[attribute: "state"] == "offered", waited: Int(detail[attribute: "waited"] ?? "") ?? 0,
            timeout: detail[attribute: "timeout"].flatMap { Int($0) }, sla: detail[attribute: "sla"].flatMap { Int($0) },
            historyAges: (detail[attribute: "ages"] ?? "").split(separator: ",").prefix(Self.historyLimit)
                .map { min(max(Int($0) ?? 0, 0), 366 * 86_400) })
    }

    public var element: XMLElement {
        var attributes = [
            XMLAttribute("chat", chat), XMLAttribute("queue", queue), XMLAttribute("name", name),
            XMLAttribute("state", isOffered ? "offered" : "active"), XMLAttribute("waited", "\(waited)"),
        ]
        if let sla { attributes.append(XMLAttribute("sla", "\(sla)")) }
        if let timeout { attributes.append(XMLAttribute("timeout", "\(timeout)")) }
        if !historyAges.isEmpty { attributes.append(XMLAttribute("ages", historyAges.map(String.init).joined(separator: ","))) }
        return XMLElement("offer", namespace: Self.namespace, attributes: attributes)
    }
}
