import Glibc

/// The body of a bench message: `v:CHAT:SEQ:NANOS` from a visitor, `a:CHAT:SEQ:NANOS` from an
/// agent. The send time rides in the text, so whoever receives it measures the latency against
/// the same monotonic clock (visitors and agents live in one process).
struct BenchText: Equatable, Sendable {
    enum Sender: UInt8, Sendable {
        case visitor = 0x76  // "v"
        case agent = 0x61  // "a"
    }

    let sender: Sender
    /// The chat's bench-wide number (not the router's chat id).
    let chat: Int
    /// 0 for the visitor's first message, counting up; an answer carries the number it answers.
    let sequence: Int
    /// `BenchClock.now()` when sent.
    let sentAt: UInt64

    var body: String { "\(Character(Unicode.Scalar(sender.rawValue))):\(chat):\(sequence):\(sentAt)" }

    /// Finds a bench message in `text`: the whole body, or the last line of an offer that quotes
    /// the visitor's first message (`visitor7: v:12:0:…`).
    init?(in text: String, from sender: Sender) {
        var utf8 = Substring(text).utf8[...]
        if utf8.first != sender.rawValue {
            // The offer quotes the message after "NAME: " on its last line.
            guard let newline = utf8.lastIndex(of: UInt8(ascii: "\n")) else { return nil }
            utf8 = utf8[utf8.index(after: newline)...]
            guard let colon = utf8.firstIndex(of: UInt8(ascii: " ")) else { return nil }
            utf8 = utf8[utf8.index(after: colon)...]
        }
        guard utf8.first == sender.rawValue else { return nil }
        let fields = utf8.dropFirst().split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0].isEmpty,
            let chat = Int(Substring(fields[1])), let sequence = Int(Substring(fields[2])), let sentAt = UInt64(Substring(fields[3]))
        else { return nil }
        self.init(sender: sender, chat: chat, sequence: sequence, sentAt: sentAt)
    }

    init(sender: Sender, chat: Int, sequence: Int, sentAt: UInt64 = BenchClock.now()) {
        self.sender = sender
        self.chat = chat
        self.sequence = sequence
        self.sentAt = sentAt
    }
}

/// The monotonic clock every bench time stamp is read from, in nanoseconds.
enum BenchClock {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
