import FuzzDriver
import NIOCore
@testable import Redis

// Feeds the RESP reply reader (hiredis's reader with our limits) what a server, or something
// pretending to be one, could send: in two pieces split where the first byte says, taking every
// reply until the reader wants more or refuses the input. Small limits reach the bounds checks.
fuzz { input in
    guard let first = input.first else { return }
    let split = min(1 + Int(first) * 4, input.count)
    let reader = RedisReplyReader(limits: RedisReplyLimits(maxElements: 64, maxBytes: 4096, idleBufferCapacity: 1024))
    do {
        for piece in [input[1..<split], input[split...]] {
            var buffer = ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: piece))
            try reader.feed(&buffer)
            while let reply = try reader.next() {
                _ = (reply.string, reply.int)
            }
        }
    } catch {
        // A refused reply is the expected answer to most inputs; only a crash is a finding.
    }
}
