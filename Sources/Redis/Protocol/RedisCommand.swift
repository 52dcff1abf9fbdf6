import NIOCore

/// One command as Redis receives it: a name and its arguments, encoded as a RESP array of bulk strings.
///
/// The name is separate from the arguments so an empty command, which Redis would never answer
/// (and so would stall every reply behind it), cannot be written.
public struct RedisCommand: Sendable {
    /// The command's name (`GET`, `EVALSHA`); the only part of a command that is ever logged.
    public let name: String
    let encoded: ByteBuffer

    /// A command whose arguments are text (sent as their UTF-8 bytes).
    public init(_ name: String, _ arguments: [String] = []) {
        self.name = name
        var buffer = ByteBufferAllocator().buffer(capacity: Self.estimate(name.utf8.count, arguments.lazy.map(\.utf8.count)))
        buffer.writeRESPArrayHeader(count: 1 + arguments.count)
        buffer.writeRESPBulk(name.utf8)
        for argument in arguments { buffer.writeRESPBulk(argument.utf8) }
        self.encoded = buffer
    }

    /// A command whose arguments are raw bytes (binary values, or text not meant as UTF-8).
    public init(_ name: String, bytes arguments: [[UInt8]]) {
        self.name = name
        var buffer = ByteBufferAllocator().buffer(capacity: Self.estimate(name.utf8.count, arguments.lazy.map(\.count)))
        buffer.writeRESPArrayHeader(count: 1 + arguments.count)
        buffer.writeRESPBulk(name.utf8)
        for argument in arguments { buffer.writeRESPBulk(argument) }
        self.encoded = buffer
    }

    // One allocation for the whole command: each bulk costs its bytes plus at most 16 for `$N\r\n…\r\n`.
    private static func estimate(_ nameCount: Int, _ counts: some Sequence<Int>) -> Int {
        counts.reduce(16 + nameCount + 16) { $0 + $1 + 16 }
    }
}

extension ByteBuffer {
    mutating func writeRESPArrayHeader(count: Int) {
        writeInteger(UInt8(ascii: "*"))
        writeString(String(count))
        writeCRLF()
    }

    mutating func writeRESPBulk(_ bytes: some Collection<UInt8>) {
        writeInteger(UInt8(ascii: "$"))
        writeString(String(bytes.count))
        writeCRLF()
        writeBytes(bytes)
        writeCRLF()
    }

    private mutating func writeCRLF() {
        writeInteger(UInt16(0x0D0A))  // "\r\n", big-endian by default
    }
}
