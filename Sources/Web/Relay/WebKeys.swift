import Routing

/// The Redis keys and channels of web visitors, beside the routing state's (same hash tag).
public struct WebKeys: Sendable, Hashable {
    /// `{sb}:` for the prefix `sb`, as `RoutingKeys` has it.
    public let base: String

    public init(_ routing: RoutingKeys) {
        base = routing.base
    }

    /// The pub/sub channel of notices for web visitors (agent replies, typing, position...).
    public var notices: String { base + "web:notices" }
    /// Pub/sub channels of a web service beside the routers: visitors' input, and the routers' answers.
    public var requests: String { base + "web:requests" }
    public var replies: String { base + "web:replies" }
    /// A relayed request's claim: the one router that set it answers the request.
    public func requestClaim(_ id: String) -> String { base + "web:request:" + id }
    /// A file a web visitor sent (`UploadStore`): its name, type, size, visitor and chat.
    public func upload(_ id: String) -> String { base + "web:upload:" + id }
    /// A web visitor's session, found by the digest of its token (the token itself is never stored).
    public func session(_ tokenDigest: String) -> String { base + "web:session:" + tokenDigest }
}

extension RoutingKeys {
    /// A web visitor's session key (`WebKeys.session`), where tests and tools look for it.
    public func webSession(_ tokenDigest: String) -> String { WebKeys(self).session(tokenDigest) }
}
