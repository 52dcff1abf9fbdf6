import Redis
import Routing
import XMPP

/// A web visitor's session: who they are to the router and which chat they last had.
struct WebSession: Sendable, Hashable {
    /// The visitor id the router knows (`web:` + random), never shown to anyone.
    var visitor: String
    var queue: String
    var name: String
    var email: String
    /// The visitor's latest chat, open or closed (empty before the first message).
    var chat: String

    /// How agents see the visitor: the name given (or "Web visitor"), with the e-mail address to answer later.
    var displayName: String {
        let name = self.name.isEmpty ? "Web visitor" : self.name
        return email.isEmpty ? name : "\(name) <\(email)>"
    }
}

/// Sessions in Redis, found by the digest of their token: the token (256 random bits) is only
/// ever in the widget's storage, so reading Redis does not let anyone resume a chat.
struct WebSessions: Sendable {
    let redis: RedisClient
    let keys: WebKeys
    /// A session with a chat, unused this long, is forgotten.
    var lifetime: Duration = .seconds(30 * 24 * 3600)
    /// A session that never opened a chat is forgotten this long after its last use: anyone may
    /// open sessions, and one that said nothing is worth keeping only while its page is open.
    var silentLifetime: Duration = .seconds(10 * 60)

    /// A new session for `queue`, and its token.
    func create(queue: String, name: String, email: String) async throws -> (token: String, session: WebSession) {
        let token = Hex.encode(try SecureRandom.bytes(count: 32))
        let session = WebSession(
            visitor: WebVisitor.prefix + Hex.encode(try SecureRandom.bytes(count: 16)), queue: queue, name: name, email: email,
            chat: "")
        let key = keys.session(Self.digest(token))
        _ = try await redis.pipeline([
            RedisCommand("HSET", [key, "visitor", session.visitor, "queue", queue, "name", name, "email", email, "chat", ""]),
            RedisCommand("EXPIRE", [key, String(silentLifetime.components.seconds)]),
        ])
        return (token, session)
    }

    /// The session of `token`, or nil for a malformed or unknown token; using it keeps it alive.
    func find(_ token: String) async throws -> WebSession? {
        guard token.utf8.count == 64, token.utf8.allSatisfy({ Self.hexDigits.contains($0) }) else { return nil }
        let key = keys.session(Self.digest(token))
        let fields = (try await redis.send("HMGET", key, "visitor", "queue", "name", "email", "chat").array ?? []).map(\.string)
        guard fields.count == 5, let visitor = fields[0], let queue = fields[1] else { return nil }
        let session = WebSession(visitor: visitor, queue: queue, name: fields[2] ?? "", email: fields[3] ?? "", chat: fields[4] ?? "")
        try await redis.send("EXPIRE", key, String((session.chat.isEmpty ? silentLifetime : lifetime).components.seconds))
        return session
    }

    /// Notes the session's latest chat (a new one starts when the visitor writes after a close).
    func remember(chat: String, token: String) async throws {
        let key = keys.session(Self.digest(token))
        _ = try await redis.pipeline([
            RedisCommand("HSET", [key, "chat", chat]), RedisCommand("EXPIRE", [key, String(lifetime.components.seconds)]),
        ])
    }

    /// Updates the details a visitor gave in the form.
    func update(name: String, email: String, token: String) async throws {
        try await redis.send("HSET", keys.session(Self.digest(token)), "name", name, "email", email)
    }

    private static let hexDigits = Set("0123456789abcdef".utf8)

    static func digest(_ token: String) -> String { Digest.sha1Hex(token) }
}
