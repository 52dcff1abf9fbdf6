import Redis

/// One atomic routing operation: a Lua script (the shared prelude plus its body) run by EVALSHA.
/// Names follow the verb and the number of KEYS, as in BullMQ (`enqueue-1`).
struct RoutingScript: Sendable {
    let redis: RedisScript

    init(name: String, body: String) {
        redis = RedisScript(name: name, source: Prelude.source + body)
    }
}
