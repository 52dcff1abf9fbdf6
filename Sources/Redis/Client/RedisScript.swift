import Synchronization

/// A Lua script run by `EVALSHA`, whose SHA-1 is learned from Redis the first time it is needed.
///
/// The digest is learned (`SCRIPT LOAD` returns it) rather than computed here because the Redis
/// layer has no SHA-1 of its own and must not depend on OpenSSL; Redis computes exactly the digest
/// `EVALSHA` expects. It costs one `SCRIPT LOAD` per script per process. Copies of a script share
/// what was learned, and learning is safe from any task: the digest depends only on the source.
public struct RedisScript: Sendable {
    /// A short name for logs (the source is never logged).
    public let name: String
    public let source: String
    private let learned: LearnedDigest

    public init(name: String, source: String) {
        self.name = name
        self.source = source
        self.learned = LearnedDigest()
    }

    /// The SHA-1 Redis reported for this source, once known.
    public var sha: String? { learned.value.withLock { $0 } }

    func learn(_ sha: String) {
        learned.value.withLock { $0 = sha }
    }

    private final class LearnedDigest: Sendable {
        let value = Mutex<String?>(nil)
    }
}

extension RedisClient {
    /// Runs `script` with `EVALSHA`; when Redis does not know it (first use, a restart, `SCRIPT FLUSH`),
    /// loads it with `SCRIPT LOAD` and runs it again.
    @discardableResult
    public func evalScript(_ script: RedisScript, keys: [String] = [], args: [String] = []) async throws(RedisError) -> RESPValue {
        if let sha = script.sha {
            do {
                return try await send(Self.evalsha(sha, keys: keys, args: args))
            } catch .server(let message) where message.hasPrefix("NOSCRIPT") {
                logger.debug("Redis does not know the script; loading it", metadata: ["script": "\(script.name)"])
            }
        }
        let sha = try await load(script)
        return try await send(Self.evalsha(sha, keys: keys, args: args))
    }

    /// Loads `script` into Redis's script cache and returns (and remembers) its SHA-1.
    @discardableResult
    public func load(_ script: RedisScript) async throws(RedisError) -> String {
        let reply = try await send(RedisCommand("SCRIPT", ["LOAD", script.source]))
        guard let sha = reply.string, !sha.isEmpty else {
            throw .unexpectedReply(command: "SCRIPT LOAD", reply: reply.description)
        }
        script.learn(sha)
        return sha
    }

    private static func evalsha(_ sha: String, keys: [String], args: [String]) -> RedisCommand {
        RedisCommand("EVALSHA", [sha, String(keys.count)] + keys + args)
    }
}
