import Foundation
import Workflow

/// A queue's bot answers first: each visitor line of a chat with it is asked of the bot, whose
/// reply reaches the visitor and the transcript as the bot's line; a handoff, an error, a bad
/// answer or silence past the timeout puts the chat in line at once, the bot's part in the
/// history the agent is offered. A router that dies mid-call leaves the `bot|ID` timer
/// (`QueueBot.backstop`), which any router fires (`botSilent`).
extension VisitorFlow {
    /// The name the bot's lines carry, in the transcript and to the visitor.
    static func botName(_ queue: RoutingRules.Queue) -> String { "\(queue.title) assistant" }

    func askBot(
        _ text: String, chat: String, visitor: String, name: String, queue: RoutingRules.Queue, address: String, rules: RoutingRules
    ) async throws {
        let botName = Self.botName(queue)
        guard let bot = queue.configured.bot else {
            // The workflow dropped the bot while the chat was with it.
            return try await handOver(chat, visitor: visitor, name: name, to: queue, reason: "the queue has no bot now", address: address,
                                      rules: rules)
        }
        let question = BotCaller.Question(chat: chat, queue: queue.name, name: name, text: text, time: Int64(Date().timeIntervalSince1970))
        switch await bots.ask(question, of: bot) {
        case .success(.reply(let reply)):
            try await botSays(reply, chat: chat, visitor: visitor, botName: botName, address: address, rules: rules)
        case .success(.handoff(let target, let reply)):
            if let reply { try await botSays(reply, chat: chat, visitor: visitor, botName: botName, address: address, rules: rules) }
            // A queue the workflow does not know: the chat's own, rather than nobody.
            let known = target.flatMap { rules.queue($0) }
            let reason = target == nil || known != nil ? "the bot handed the chat over" : "the bot named an unknown queue"
            try await handOver(
                chat, visitor: visitor, name: name, to: known ?? queue, reason: reason, address: address, rules: rules, from: queue)
        case .failure(let failure):
            logger.warning("the bot failed; the chat goes to the agents", metadata: [
                "chat": "\(chat)", "queue": "\(queue.name)", "reason": "\(failure)",
            ])
            try await handOver(chat, visitor: visitor, name: name, to: queue, reason: failure.description, address: address, rules: rules)
        }
    }

    /// The bot's reply, redacted like any line, kept and passed on while the chat is still with it.
    private func botSays(_ reply: String, chat: String, visitor: String, botName: String, address: String, rules: RoutingRules)
        async throws
    {
        let text = rules.redactor.redact(reply).text
        guard try await store.settleBot(chat: chat, .reply(text), botName: botName) == .done("bot") else { return }
        outbox.tellVisitor(visitor, from: address, text, nick: botName, as: .message, rules: rules)
    }

    /// The chat joins `queue`'s line, unless it left the bot already (another router, a timer).
    func handOver(
        _ chat: String, visitor: String, name: String, to queue: RoutingRules.Queue, reason: String, address: String,
        rules: RoutingRules, claiming timer: ChatTimer? = nil, from botQueue: RoutingRules.Queue? = nil
    ) async throws {
        let outcome = try await store.settleBot(
            chat: chat, .handoff(queue: queue.name, reason: reason, overflowDelays: queue.overflow.map(\.after), maxWait: queue.maxWait),
            botName: Self.botName(botQueue ?? queue), claiming: timer)
        guard outcome == .done("queued") else { return }
        logger.info("chat handed over by the bot", metadata: ["chat": "\(chat)", "queue": "\(queue.name)", "reason": "\(reason)"])
        let position = try await store.position(chat: chat, queue: queue.name) ?? 1
        try await queued(chat: chat, position: position, leftMessage: false, visitor: visitor, name: name, channel: nil, queue: queue,
                         address: address, rules: rules)
    }

    /// A call's backstop ran out with no answer recorded: the router that made it died (or
    /// Redis was out of its reach). Whichever router reads the timer hands the chat over.
    func botSilent(chat id: String, rules: RoutingRules) async throws {
        guard let chat = try await store.chatRecord(id), let visitor = chat.visitor, let queueName = chat.queue,
            let queue = rules.queue(queueName) ?? rules.queue(rules.defaultQueue)
        else { return }
        try await handOver(id, visitor: visitor, name: chat.name ?? visitor, to: queue, reason: "no answer was recorded in time",
                           address: chat.address, rules: rules, claiming: .bot(chat: id))
    }
}
