import Logging

extension VisitorFlow {
    /// A chat's `hold` timer is due: the visitor's lines held for the line before them, which did
    /// not come in time (it died on a killed router's link, or the client's counter skipped), are
    /// placed and passed to the agent, in order (`Lua/includes/visitorOrder.lua`).
    func holdLapsed(chat: String, rules: RoutingRules) async throws {
        let placed = try await store.placeHeldLines(chat: chat, claiming: .hold(chat: chat))
        guard placed.due, !placed.agent.isEmpty, placed.unsent.upTo > 0 else { return }
        logger.info("visitor lines held for an earlier one placed", metadata: ["chat": "\(chat)"])
        _ = try await pass.lines.pass(placed.unsent, chat: chat, agent: placed.agent, nick: placed.name, rules: rules)
    }
}
