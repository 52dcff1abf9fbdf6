import CHiredis
import NIOCore

/// hiredis's standalone reply reader with `RedisReplyLimits` enforced; one per connection,
/// used only on that connection's event loop.
final class RedisReplyReader {
    private let reader: UnsafeMutablePointer<redisReader>
    private let budget: ReplyBudget
    private let maxBytes: Int

    init(limits: RedisReplyLimits) {
        guard let reader = redisReaderCreateWithFunctions(limitedFunctions) else {
            fatalError("hiredis could not allocate a reply reader (out of memory)")
        }
        self.reader = reader
        self.budget = ReplyBudget(maxElements: limits.maxElements)
        self.maxBytes = limits.maxBytes
        reader.pointee.maxbuf = limits.idleBufferCapacity
        // hiredis hands the reader's privdata to every read task, which is how the C callbacks find the budget.
        reader.pointee.privdata = Unmanaged.passUnretained(budget).toOpaque()
    }

    deinit {
        redisReaderFree(reader)
    }

    /// Copies all readable bytes of `buffer` into hiredis's buffer and consumes them.
    func feed(_ buffer: inout ByteBuffer) throws {
        let status = buffer.readWithUnsafeReadableBytes { bytes in
            (bytes.count, redisReaderFeed(reader, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count))
        }
        guard status == REDIS_OK else { throw failure() }
    }

    /// The next complete reply, or nil until more bytes are fed.
    func next() throws -> RESPValue? {
        var reply: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &reply) == REDIS_OK else { throw failure() }
        guard let reply else {
            // An incomplete reply: an endless bulk string or status line would otherwise grow hiredis's buffer forever.
            let held = (reader.pointee.len - reader.pointee.pos) + budget.stringBytes
            if held > maxBytes {
                throw RedisError.replyTooLarge("a reply held more than \(maxBytes) bytes before it was complete")
            }
            return nil
        }
        defer { freeReplyObject(reply) }
        budget.reset()
        return RESPValue(reply.assumingMemoryBound(to: redisReply.self))
    }

    private func failure() -> RedisError {
        if let refusal = budget.refusal { return refusal }
        let message = withUnsafePointer(to: &reader.pointee.errstr) {
            $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: $0.pointee)) { String(cString: $0) }
        }
        return reader.pointee.err == REDIS_ERR_OOM ? .replyTooLarge(message) : .protocolError(message)
    }
}

/// What the reply under construction has cost so far; read by the C callbacks through `privdata`.
private final class ReplyBudget {
    let maxElements: Int
    var elements = 0
    var stringBytes = 0
    var refusal: RedisError?

    init(maxElements: Int) {
        self.maxElements = maxElements
    }

    func reset() {
        elements = 0
        stringBytes = 0
    }

    static func of(_ task: UnsafePointer<redisReadTask>?) -> ReplyBudget? {
        guard let privdata = task?.pointee.privdata else { return nil }
        return Unmanaged<ReplyBudget>.fromOpaque(privdata).takeUnretainedValue()
    }
}

// hiredis 0.14.1 exposes its default reply builders only through a reader's `fn`; they are static
// functions, so a copy stays valid after that reader is freed.
private let defaultFunctions: redisReplyObjectFunctions = {
    guard let reader = redisReaderCreate() else { fatalError("hiredis could not allocate a reply reader") }
    defer { redisReaderFree(reader) }
    return reader.pointee.fn.pointee
}()

// hiredis keeps the pointer it is given (it does not copy the table), so the table lives forever;
// it is written only here, before any reader can see it.
nonisolated(unsafe) private let limitedFunctions: UnsafeMutablePointer<redisReplyObjectFunctions> = {
    let functions = UnsafeMutablePointer<redisReplyObjectFunctions>.allocate(capacity: 1)
    functions.initialize(to: defaultFunctions)
    functions.pointee.createArray = { task, count in
        // Returning NULL makes hiredis stop with an out-of-memory error; the budget says why.
        guard let budget = ReplyBudget.of(task) else { return nil }
        guard count >= 0, budget.elements + Int(count) <= budget.maxElements else {
            budget.refusal = .replyTooLarge(
                "an array declared \(count) elements; the limit is \(budget.maxElements) per reply")
            return nil
        }
        budget.elements += Int(count)
        return defaultFunctions.createArray(task, count)
    }
    functions.pointee.createString = { task, bytes, length in
        ReplyBudget.of(task)?.stringBytes += length
        return defaultFunctions.createString(task, bytes, length)
    }
    return functions
}()

extension RESPValue {
    fileprivate init(_ reply: UnsafePointer<redisReply>) {
        let reply = reply.pointee
        switch reply.type {
        case REDIS_REPLY_STRING:
            self = .bulk(Array(UnsafeRawBufferPointer(start: reply.str, count: reply.len)))
        case REDIS_REPLY_STATUS:
            self = .status(Self.text(reply))
        case REDIS_REPLY_ERROR:
            self = .error(Self.text(reply))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(reply.integer))
        case REDIS_REPLY_ARRAY:
            self = .array((0..<reply.elements).map { RESPValue(reply.element[$0]!) })
        default:
            self = .null
        }
    }

    private static func text(_ reply: redisReply) -> String {
        String(decoding: UnsafeRawBufferPointer(start: reply.str, count: reply.len), as: UTF8.self)
    }
}
