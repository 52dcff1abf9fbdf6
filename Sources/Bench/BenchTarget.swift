/// What carries the bench's traffic between visitors and agents.
public enum BenchTarget: String, Sendable, Codable, CaseIterable {
    /// Switchboard's router, with its state in Redis: the thing measured.
    case switchboard
    /// The floor: a component that relays each visitor's messages to a fixed agent and back, with
    /// no Redis and no routing (`FloorComponent`). Same Prosody hops as the router.
    case floorComponent = "floor-component"
    /// Clients writing straight to each other on the same Prosody: half the hops, the XMPP floor.
    case direct

    /// Why web visitors run through Switchboard alone.
    public static let noFloorForWebVisitors =
        "web visitors reach Switchboard only: the floor component and direct c2s are XMPP paths with no WebSocket "
        + "to compare with, so there is no floor for them (run XMPP visitors for the floor comparison)"

    /// The name in tables and progress lines.
    public var title: String {
        switch self {
        case .switchboard: "switchboard"
        case .floorComponent: "floor component"
        case .direct: "direct c2s"
        }
    }
}
