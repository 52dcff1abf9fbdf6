import Redis

/// The Swift shape of one routing script's reply: each script's reply is decoded in one place,
/// next to the layout its `.lua` header documents, into a type with named fields.
protocol ScriptReply: Sendable {
    init(reply: RESPValue) throws(UnexpectedReply)
}

/// A reply from a routing script that does not have the documented shape.
public struct UnexpectedReply: Error, CustomStringConvertible {
    public let description: String
}

extension RESPValue {
    func values(_ count: Int? = nil) throws(UnexpectedReply) -> [RESPValue] {
        if isNull, count == nil { return [] }
        guard let array, count.map({ array.count >= $0 }) ?? true else {
            throw UnexpectedReply(description: "expected \(count.map(String.init) ?? "an") array, got \(self)")
        }
        return array
    }

    func text() throws(UnexpectedReply) -> String {
        guard let string else { throw UnexpectedReply(description: "expected text, got \(self)") }
        return string
    }

    func number() throws(UnexpectedReply) -> Int {
        guard let int else { throw UnexpectedReply(description: "expected a number, got \(self)") }
        return int
    }

    /// Every element as text.
    func texts() throws(UnexpectedReply) -> [String] {
        var texts: [String] = []
        for value in try values() { texts.append(try value.text()) }
        return texts
    }
}
