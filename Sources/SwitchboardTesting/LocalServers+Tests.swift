import LocalServices

// The local servers in `.run/tests`, as every test starts them.

extension RedisServer {
    /// A new server in `.run/tests`; see `start(in:extraArguments:)`.
    public static func start(extraArguments: [String] = []) async throws -> RedisServer {
        try await start(in: .tests, extraArguments: extraArguments)
    }
}

extension ProsodyServer {
    /// A new server in `.run/tests`; see `start(_:in:)`.
    public static func start(_ options: Options = Options()) async throws -> ProsodyServer {
        try await start(options, in: .tests)
    }
}

/// Runs `body` with a fresh Redis server in `.run/tests`, stopped afterwards; `secured`: TLS and an ACL user.
public func withRedisServer<Result: Sendable>(
    secured: RedisServer.Secured? = nil,
    extraArguments: [String] = [],
    _ body: (RedisServer) async throws -> Result
) async throws -> Result {
    try await withRedisServer(in: .tests, secured: secured, extraArguments: extraArguments, body)
}

extension PrivateCertificateAuthority {
    /// A new CA, and a server certificate it signs, in `.run/tests`.
    public static func make(name: String = "ca") async throws -> PrivateCertificateAuthority {
        try await make(in: .tests, name: name)
    }
}

/// Runs `body` with a fresh Prosody server in `.run/tests`, stopped afterwards by its PID, also when `body` throws.
public func withProsodyServer<Result>(
    _ options: ProsodyServer.Options = ProsodyServer.Options(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ProsodyServer) async throws -> Result
) async throws -> Result {
    try await withProsodyServer(options, in: .tests, isolation: isolation, body)
}

extension XMPPServerKind {
    /// A new server of this kind in `.run/tests`; see `start(_:in:)`.
    public func start(_ options: XMPPServerOptions = XMPPServerOptions()) async throws -> any XMPPServer {
        try await start(options, in: .tests)
    }
}

/// Runs `body` with a fresh XMPP server of `kind` in `.run/tests`, stopped afterwards by its PID, also
/// when `body` throws: the end-to-end tests take `kind` as an argument to run against each server.
public func withXMPPServer<Result>(
    _ kind: XMPPServerKind,
    _ options: XMPPServerOptions = XMPPServerOptions(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (any XMPPServer) async throws -> Result
) async throws -> Result {
    try await withXMPPServer(kind, options, in: .tests, isolation: isolation, body)
}

/// The certificate the tests' servers present (`SelfSignedCertificate` of `.run/tests`).
public enum TestCertificate {
    public typealias Files = SelfSignedCertificate.Files

    /// The cached certificate of `.run/tests`, made on first use.
    public static func localhost() async throws -> Files {
        try await SelfSignedCertificate.localhost(in: .tests)
    }
}
