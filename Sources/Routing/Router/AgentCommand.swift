import Foundation

/// A command an agent writes as a message body: `/close` or `!close` (clients such as
/// profanity take a leading `/` for themselves).
enum AgentCommand: Equatable {
    case accept, decline, close, who, status, queues, agents, help
    case transfer(String)
    case note(String)
    case canned(String)
    case unknown(String)

    /// Parses a body; nil when it is ordinary text for the visitor.
    init?(_ body: String) {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = text.first, first == "/" || first == "!", text.count > 1 else { return nil }
        let words = text.dropFirst().split(separator: " ", maxSplits: 1)
        let verb = words[0].lowercased()
        let rest = words.count > 1 ? String(words[1]).trimmingCharacters(in: .whitespaces) : ""
        switch verb {
        case "accept": self = .accept
        case "decline": self = .decline
        case "close", "end": self = .close
        case "who": self = .who
        case "status": self = .status
        case "queues": self = .queues
        case "agents": self = .agents
        case "help": self = .help
        case "transfer" where !rest.isEmpty: self = .transfer(rest)
        case "note" where !rest.isEmpty: self = .note(rest)
        case "canned" where !rest.isEmpty: self = .canned(rest)
        default: self = .unknown(verb)
        }
    }

    static let usage = """
        In a chat: /accept, /decline, /close, /transfer QUEUE-or-AGENT, /note TEXT, /canned KEY, /who. \
        To the service: /status, /queues. Start with ! instead of / if your client takes / for itself.
        """
}
