import Synchronization
import XMPP

/// One account's place in a fault scenario: its connection, replaced by a new one when the XMPP
/// server restarted, as a real client reconnects. Senders take the current connection and, when
/// it dies under them, wait for the next.
final class Seat: Sendable {
    let name: String
    private let connection: Mutex<XMPPClient>

    init(_ client: XMPPClient) {
        name = client.jid.local ?? client.jid.description
        connection = Mutex(client)
    }

    var client: XMPPClient { connection.withLock { $0 } }

    func replace(with client: XMPPClient) {
        connection.withLock { $0 = client }
    }

    /// Whether `client` is no longer this seat's connection.
    func isReplaced(_ client: XMPPClient) -> Bool {
        connection.withLock { $0 !== client }
    }
}
