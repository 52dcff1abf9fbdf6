import NIOCore
import NIOTestUtils
import Testing

@testable import Redis

@Suite struct RedisReplyReaderTests {
    private static let mixed = Array("+OK\r\n-ERR no\r\n:-42\r\n$5\r\nhe\r\no\r\n$-1\r\n*-1\r\n*3\r\n:1\r\n*1\r\n$0\r\n\r\n$-1\r\n".utf8)
    private static let expected: [RESPValue] = [
        .status("OK"), .error("ERR no"), .integer(-42), .bulk(Array("he\r\no".utf8)), .null, .null,
        .array([.integer(1), .array([.bulk([])]), .null]),
    ]

    @Test func parsesEveryReplyType() throws {
        #expect(try replies(Self.mixed, chunk: Self.mixed.count) == Self.expected)
    }

    @Test func anySplitOfTheInputGivesTheSameReplies() throws {
        for chunk in 1..<Self.mixed.count {
            #expect(try replies(Self.mixed, chunk: chunk) == Self.expected, "chunk \(chunk)")
        }
    }

    @Test func refusesAnArrayCountBeyondTheLimit() {
        let reader = RedisReplyReader(limits: RedisReplyLimits(maxElements: 1000))
        #expect(throws: RedisError.replyTooLarge("an array declared 2000000000 elements; the limit is 1000 per reply")) {
            try feed(reader, Array("*2000000000\r\n".utf8))
        }
    }

    @Test func countsElementsAcrossNestedArrays() throws {
        let limits = RedisReplyLimits(maxElements: 1000)
        // Two nested arrays of 600 are each under the limit, but not together.
        let element = Array(":1\r\n".utf8)
        let inner = Array("*600\r\n".utf8) + Array(repeating: element, count: 600).joined()
        let reader = RedisReplyReader(limits: limits)
        #expect(throws: RedisError.self) { try feed(reader, Array("*2\r\n".utf8) + inner + inner) }

        // The budget is per reply: many replies of 600 pass.
        let replies = try replies(Array([inner, inner, inner].joined()), chunk: 4096, limits: limits)
        #expect(replies.count == 3)
    }

    @Test func refusesNegativeArrayCounts() {
        let reader = RedisReplyReader(limits: RedisReplyLimits())
        #expect(throws: RedisError.self) { try feed(reader, Array("*-2\r\n".utf8)) }
    }

    @Test func boundsAnEndlessBulkString() throws {
        let maxBytes = 1 << 20
        let reader = RedisReplyReader(limits: RedisReplyLimits(maxBytes: maxBytes))
        try feed(reader, Array("$1000000000\r\n".utf8))
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        var fed = 0
        let error = #expect(throws: RedisError.self) {
            while true {
                try feed(reader, chunk)
                fed += chunk.count
            }
        }
        // The reader gave up as soon as it held more than the limit: one chunk past it at most.
        #expect((maxBytes - chunk.count...maxBytes + chunk.count).contains(fed))
        guard case .replyTooLarge = error else {
            Issue.record("expected replyTooLarge, got \(String(describing: error))")
            return
        }
    }

    @Test func boundsStringsAlreadyReadForAnIncompleteArray() throws {
        let maxBytes = 1 << 20
        let reader = RedisReplyReader(limits: RedisReplyLimits(maxBytes: maxBytes))
        let bulk = Array("$65536\r\n".utf8) + [UInt8](repeating: 0, count: 65536) + Array("\r\n".utf8)
        try feed(reader, Array("*100000\r\n".utf8))
        var fed = 0
        #expect(throws: RedisError.self) {
            while true {
                try feed(reader, bulk)
                fed += bulk.count
            }
        }
        #expect((maxBytes - bulk.count...maxBytes + bulk.count).contains(fed))
    }

    @Test func malformedInputIsAProtocolError() {
        let reader = RedisReplyReader(limits: RedisReplyLimits())
        #expect(throws: RedisError.protocolError("Protocol error, got \"?\" as reply type byte")) {
            try feed(reader, Array("?what\r\n".utf8))
        }
    }

    private func replies(_ bytes: [UInt8], chunk: Int, limits: RedisReplyLimits = RedisReplyLimits()) throws -> [RESPValue] {
        let reader = RedisReplyReader(limits: limits)
        var replies: [RESPValue] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            replies += try feed(reader, Array(bytes[offset..<end]))
            offset = end
        }
        return replies
    }

    @discardableResult
    private func feed(_ reader: RedisReplyReader, _ bytes: [UInt8]) throws -> [RESPValue] {
        var buffer = ByteBuffer(bytes: bytes)
        try reader.feed(&buffer)
        #expect(buffer.readableBytes == 0)
        var replies: [RESPValue] = []
        while let reply = try reader.next() { replies.append(reply) }
        return replies
    }
}

@Suite struct RedisReplyDecoderTests {
    @Test func decodesTheSameRepliesForEverySplit() throws {
        let pairs: [(ByteBuffer, [RESPValue])] = [
            (ByteBuffer(string: "+OK\r\n"), [.status("OK")]),
            (ByteBuffer(string: ":-42\r\n"), [.integer(-42)]),
            (ByteBuffer(string: "$4\r\nh\u{e9}y\r\n"), [.bulk(Array("héy".utf8))]),
            (ByteBuffer(string: "*2\r\n$1\r\na\r\n*1\r\n:1\r\n"), [.array([.bulk([97]), .array([.integer(1)])])]),
            (ByteBuffer(string: "-ERR no\r\n$-1\r\n"), [.error("ERR no"), .null]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            RedisReplyDecoder(limits: RedisReplyLimits())
        }
    }
}
