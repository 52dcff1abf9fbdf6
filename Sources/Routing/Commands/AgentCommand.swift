import AgentProtocol
import Foundation

/// A command an agent writes as a message body: `/close` or `!close` (clients such as
/// profanity take a leading `/` for themselves).
enum AgentCommand: Equatable {
    case accept, decline, close, who, status, queues, agents, help
    case transfer(String)
    case note(String)
    case canned(String)
    /// Supervisors: watch a chat, or say something to its agent only.
    case monitor(chat: String)
    case whisper(chat: String, text: String)
    case unknown(String)

    /// Parses a body; nil when it is ordinary text for the visitor.
    init?(_ body: String) {
        guard Self.mayBeCommand(body) else { return nil }
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
        case "monitor" where !rest.isEmpty: self = .monitor(chat: Self.chatID(rest))
        case "whisper" where rest.contains(" "):
            let parts = rest.split(separator: " ", maxSplits: 1)
            self = .whisper(chat: Self.chatID(String(parts[0])), text: String(parts[1]))
        default: self = .unknown(verb)
        }
    }

    /// Whether the visitor's view of the agent's typing must be cleared after the command: the
    /// agent's client sent `composing` while the command was typed. Not after a close (the
    /// goodbye says `gone`) or a canned reply (its text says `active`).
    var clearsTyping: Bool {
        switch self {
        case .close, .canned: false
        default: true
        }
    }

    /// `42`, `chat-42` or `chat-42@support.localhost` all name chat 42.
    private static func chatID(_ text: String) -> String { ChatAddress.chatID(typed: text) }

    static let usage = """
        In a chat: !accept, !decline, !close, !transfer QUEUE-or-AGENT, !note TEXT, !canned KEY, !who. \
        To the service: !status, !queues; supervisors also !agents, !monitor CHAT, !whisper CHAT TEXT. \
        / works instead of ! where your client passes it on (/accept).
        """
}

extension AgentCommand {
    /// False for a body that cannot be a command (`/verb` or `!verb`) without trimming it: its
    /// first byte after ASCII white space is something else. Every chat message is checked, and
    /// Foundation's trimming was ~2% of the router's CPU in profiles. Non-ASCII first bytes (other
    /// white space) are left to the full check.
    static func mayBeCommand(_ body: String) -> Bool {
        for byte in body.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): continue
            case UInt8(ascii: "/"), UInt8(ascii: "!"): return true
            default: return byte >= 0x80
            }
        }
        return false
    }
}
