/// Which XMPP server a local server (a test's, the scripts') is: Switchboard runs behind either.
public enum XMPPServerKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Prosody 0.12: one connection per component; the default.
    case prosody
    /// ejabberd 23.01: several connections per component, stanzas spread over them.
    case ejabberd

    public var description: String { rawValue }

    /// Starts a server of this kind in a new folder of `runDirectory`.
    public func start(_ options: XMPPServerOptions, in runDirectory: RunDirectory) async throws -> any XMPPServer {
        switch self {
        case .prosody: try await ProsodyServer.start(options, in: runDirectory)
        case .ejabberd: try await EjabberdServer.start(options, in: runDirectory)
        }
    }
}

/// How to configure a local XMPP server, whichever kind it is.
public struct XMPPServerOptions: Sendable {
    /// A per-client rate limit like Debian's Prosody default (10 kB/s): realistic, but it caps
    /// a client near 65 messages/s and adds ~15 ms round trips.
    public var limits: Bool
    /// Accounts (user name → password) on `domain`, registered before the server takes clients.
    public var accounts: [String: String]
    /// The router's component domain.
    public var serviceDomain: String
    /// The component port speaks TLS from the first byte, with the server's `localhost`
    /// certificate (ejabberd's `tls: true`; Prosody ignores it).
    public var componentTLS: Bool

    public init(
        limits: Bool = false, accounts: [String: String] = [:], serviceDomain: String = "support.localhost", componentTLS: Bool = false
    ) {
        self.limits = limits
        self.accounts = accounts
        self.serviceDomain = serviceDomain
        self.componentTLS = componentTLS
    }
}

/// A local XMPP server on loopback: accounts on `domain` ("localhost"), the router's component
/// `serviceDomain` on `componentPort` with `componentSecret`. Stopped by its PID.
public protocol XMPPServer: AnyObject, Sendable {
    var kind: XMPPServerKind { get }
    /// The user host: accounts are `user@localhost`.
    var domain: String { get }
    var serviceDomain: String { get }
    /// Port for XMPP clients (c2s; STARTTLS offered, not required).
    var c2sPort: Int { get }
    /// Port for external components (XEP-0114).
    var componentPort: Int { get }
    /// The shared secret of the `serviceDomain` component; random per server.
    var componentSecret: String { get }
    /// The self-signed certificate the server presents for `localhost`.
    var certificateFile: String { get }
    /// This server's folder (config, data, log).
    var directory: String { get }
    /// The server's output, the first place to look when a test fails.
    var logFile: String { get }
    /// The server's process ID, nil when it does not run.
    var pid: Int32? { get }

    /// Creates the accounts (user name → password), or resets the passwords of those that exist.
    func register(_ accounts: [String: String]) async throws
    /// Stops the server (if it runs) and starts it again on the same ports, with the same accounts.
    func restart() async throws
    /// Kills the server with SIGKILL, as a crash would, and waits until it is gone.
    func kill() async
    /// Stops the server by its PID: SIGTERM, then SIGKILL after a grace time. Safe to call twice.
    func stop() async
}

extension XMPPServer {
    /// Creates (or resets the password of) the account `user@localhost`.
    public func register(user: String, password: String) async throws {
        try await register([user: password])
    }
}

/// Runs `body` with a fresh server of `kind` in `runDirectory` and stops it afterwards by its PID,
/// also when `body` throws.
public func withXMPPServer<Result>(
    _ kind: XMPPServerKind,
    _ options: XMPPServerOptions,
    in runDirectory: RunDirectory,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (any XMPPServer) async throws -> Result
) async throws -> Result {
    let server = try await kind.start(options, in: runDirectory)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
