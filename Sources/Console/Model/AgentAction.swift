import AgentProtocol
import Foundation

/// What the agent typed on the input line: text for the current chat, or a `/command`.
public enum AgentAction: Sendable, Equatable {
    case say(String)
    case accept, decline, close, who
    case transfer(String)
    case note(String)
    case canned(String)
    case availability(AgentAvailability)
    /// Show chat N of the list, or chat with that id.
    case chat(String)
    case queues, agents, supervise
    case monitor(String)
    case whisper(chat: String, text: String)
    case quit, help
    case invalid(String)

    /// The commands completion knows.
    public static let names = [
        "accept", "decline", "close", "transfer", "note", "canned", "who", "available", "away", "dnd",
        "chat", "queues", "agents", "supervise", "monitor", "whisper", "quit", "help",
    ]

    public static let usage =
        "/accept /decline /close /transfer TARGET /note TEXT /canned KEY /who /available /away /dnd /chat N "
        + "/queues /agents /supervise /monitor CHAT /whisper CHAT TEXT /quit — other text goes to the visitor (//text sends /text)"

    public init(_ line: String) {
        guard line.hasPrefix("/"), !line.hasPrefix("//") else {
            self = .say(line.hasPrefix("//") ? String(line.dropFirst()) : line)
            return
        }
        let words = line.dropFirst().split(separator: " ", maxSplits: 1)
        let verb = words.first.map { $0.lowercased() } ?? ""
        let rest = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        switch (verb, rest.isEmpty) {
        case ("accept", _): self = .accept
        case ("decline", _): self = .decline
        case ("close", _), ("end", _): self = .close
        case ("who", _): self = .who
        case ("transfer", false): self = .transfer(rest)
        case ("note", false): self = .note(rest)
        case ("canned", false): self = .canned(rest)
        case ("available", _), ("online", _): self = .availability(.available)
        case ("away", _): self = .availability(.away)
        case ("dnd", _): self = .availability(.dnd)
        case ("presence", false): self = AgentAvailability(rawValue: rest).map { .availability($0) } ?? .invalid("unknown presence \(rest)")
        case ("chat", false): self = .chat(rest)
        case ("queues", _): self = .queues
        case ("agents", _): self = .agents
        case ("supervise", _): self = .supervise
        case ("monitor", false): self = .monitor(Self.chatID(rest))
        case ("whisper", false) where rest.contains(" "):
            let parts = rest.split(separator: " ", maxSplits: 1)
            self = .whisper(chat: Self.chatID(String(parts[0])), text: String(parts[1]))
        case ("quit", _), ("exit", _): self = .quit
        case ("help", _): self = .help
        default: self = .invalid(verb.isEmpty ? "empty command" : "unknown or incomplete command /\(verb)")
        }
    }

    /// `42`, `chat-42` and `chat-42@domain` name chat 42.
    static func chatID(_ text: String) -> String { ChatAddress.chatID(typed: text) }
}
