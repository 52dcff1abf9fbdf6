import CoreMetrics

/// What the component link counts for operators, through swift-metrics (the process picks the
/// backend: `switchboard router --metrics-listen` serves them as Prometheus text). The handles are
/// made once, when the component is, so the hot path only increments them.
struct ComponentMetrics: Sendable {
    /// Stanzas by kind: `message`, `presence`, `iq`, anything else as `other`.
    struct ByKind: Sendable {
        let message, presence, iq, other: Counter

        init(_ label: String) {
            message = Counter(label: label, dimensions: [("kind", "message")])
            presence = Counter(label: label, dimensions: [("kind", "presence")])
            iq = Counter(label: label, dimensions: [("kind", "iq")])
            other = Counter(label: label, dimensions: [("kind", "other")])
        }

        func count(_ name: String) {
            switch name {
            case "message": message.increment()
            case "presence": presence.increment()
            case "iq": iq.increment()
            default: other.increment()
            }
        }
    }

    let received = ByKind("switchboard_xmpp_stanzas_received_total")
    let sent = ByKind("switchboard_xmpp_stanzas_sent_total")
    /// 1 while the component is joined to the XMPP server, else 0.
    let up = Gauge(label: "switchboard_xmpp_link_up")
    /// Joins (the first and every reconnection) and failed attempts or dropped links.
    let joins = Counter(label: "switchboard_xmpp_link_joins_total")
    let failures = Counter(label: "switchboard_xmpp_link_failures_total")
}
