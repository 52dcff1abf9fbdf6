/// How the bench's visitors reach Switchboard: all over XMPP (c2s clients on Prosody), all over
/// the web widget's WebSocket, or half and half (odd visitors on the web).
public enum VisitorChannel: String, Sendable, Codable, CaseIterable {
    case xmpp
    case web
    case mixed

    /// Whether visitor `index` comes over the WebSocket.
    func isWeb(visitor index: Int) -> Bool {
        switch self {
        case .xmpp: false
        case .web: true
        case .mixed: index % 2 == 1
        }
    }

    /// Whether any visitor comes over the WebSocket.
    var hasWebVisitors: Bool { self != .xmpp }
}
