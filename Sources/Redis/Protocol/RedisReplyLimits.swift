/// Bounds on what one reply may make the client hold, so a broken or hostile server cannot make it
/// allocate without limit (hiredis 0.14.1 has no element limit of its own).
public struct RedisReplyLimits: Sendable, Hashable {
    /// Most array elements one reply may declare, summed over its nested arrays.
    /// hiredis allocates an array's element table when it reads the count, before any element arrives.
    public var maxElements: Int

    /// Most bytes one reply may hold while it is being parsed: unparsed input plus strings already read.
    public var maxBytes: Int

    /// Read-buffer capacity hiredis may keep while idle (its `maxbuf`); a larger buffer left by a big
    /// reply is released once it has been consumed.
    public var idleBufferCapacity: Int

    public init(maxElements: Int = 1 << 20, maxBytes: Int = 64 << 20, idleBufferCapacity: Int = 64 << 10) {
        self.maxElements = maxElements
        self.maxBytes = maxBytes
        self.idleBufferCapacity = idleBufferCapacity
    }
}
