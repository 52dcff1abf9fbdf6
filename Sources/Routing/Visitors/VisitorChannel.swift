import XMPP

/// Where the router's words to a visitor go: an XMPP message, or a web visitor's socket. The
/// router asks its channels in turn whether one carries a visitor; XMPP carries the rest.
public protocol VisitorChannel: Sendable {
    /// Whether `visitor` (a bare JID, or another channel's id) is reached through this channel.
    func carries(_ visitor: String) -> Bool
    /// Passes `notice` on; `queue` in `domain` is the address the visitor wrote to, for the
    /// whole chat (an XMPP reply comes from it): a queue's local part, or empty for `domain` itself.
    func tell(_ notice: VisitorNotice, queue: String, domain: String)
    /// What the channel runs while the router runs (until cancelled).
    func run() async
}

extension VisitorChannel {
    public func run() async {}
}
