import Reconnect
import XMPP

extension XMPPServer {
    /// The component settings for this server's service domain, with a quick backoff for tests
    /// (a refused secret too, unless `refusedBackoff` says otherwise).
    public func componentConfiguration(
        secret: String? = nil, backoff: Backoff = Backoff(initial: .milliseconds(50), maximum: .seconds(1)),
        refusedBackoff: Backoff? = nil
    ) -> ComponentConfiguration {
        ComponentConfiguration(
            host: "127.0.0.1", port: componentPort, domain: serviceDomain, secret: secret ?? componentSecret,
            backoff: backoff, refusedBackoff: refusedBackoff ?? backoff)
    }

    /// Client settings for `user@localhost/test` on this server.
    public func clientConfiguration(_ user: String, password: String = "secret", security: ClientSecurity = .plaintext)
        throws -> ClientConfiguration
    {
        ClientConfiguration(
            jid: try JID("\(user)@\(domain)/test"), password: password, host: "127.0.0.1", port: c2sPort,
            security: security)
    }
}
