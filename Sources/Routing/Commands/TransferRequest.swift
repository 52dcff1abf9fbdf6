import XMPP

/// What an agent typed after `!transfer`: where the chat goes and the note they leave for
/// whoever takes it. The target is a queue's name, an agent's JID or an agent's display name
/// (case-insensitive, spaces allowed: `!transfer Bob Smith refund pending`); the words after
/// the longest one that names something are the note.
struct TransferRequest: Equatable {
    enum Target: Equatable {
        case queue(String)
        /// An agent's bare JID.
        case agent(String)
    }

    let target: Target
    /// The words that named the target, as typed.
    let named: String
    /// The handover note; empty when none was given.
    let note: String

    /// Why a text names no single target.
    enum Failure: Error, Equatable {
        case unknown
        /// A display name several agents share: their JIDs.
        case ambiguous([String])
    }

    /// Reads `text` under `rules`; `agent` (the one transferring) is not a target of its own name.
    static func parse(_ text: String, rules: RoutingRules, from agent: String) -> Result<TransferRequest, Failure> {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        for count in stride(from: words.count, through: 1, by: -1) {
            var name = words[..<count].joined(separator: " ")
            if name.hasSuffix(":") { name.removeLast() }
            let note = Self.note(words[count...].joined(separator: " "))
            if let queue = rules.queue(name) { return .success(TransferRequest(target: .queue(queue.name), named: name, note: note)) }
            if let jid = try? JID(name), let other = rules.agents[jid.bare.description] {
                return .success(TransferRequest(target: .agent(other.jid), named: name, note: note))
            }
            let named = rules.agents.values.filter { $0.name.lowercased() == name.lowercased() && $0.jid != agent }.map(\.jid).sorted()
            if named.count == 1 { return .success(TransferRequest(target: .agent(named[0]), named: name, note: note)) }
            if named.count > 1 { return .failure(.ambiguous(named)) }
        }
        return .failure(.unknown)
    }

    /// A note may be set off from the name (`!transfer Bob: refund pending`).
    private static func note(_ text: String) -> String {
        var text = Substring(text)
        while let first = text.first, first == ":" || first == "-" || first == "," || first == " " { text = text.dropFirst() }
        return String(text)
    }
}
