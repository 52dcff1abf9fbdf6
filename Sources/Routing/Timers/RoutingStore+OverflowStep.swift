extension RoutingStore {
    /// A chat's overflow timer for step `step` is due: the step its queue defines now runs, once,
    /// and only while the timer is still due and the chat still waits in that queue (the script
    /// checks both as it takes the timer, so a router that read the timer late does nothing).
    func overflowStepDue(chat: String, step: Int, rules: RoutingRules) async throws -> Outcome {
        let queueName = try await chatRecord(chat)?.queue
        let queue = queueName.flatMap { rules.queue($0) }
        let moveTo = queue.flatMap { step >= 1 && step <= $0.overflow.count ? $0.overflow[step - 1].moveTo : nil }
        let steps = moveTo.flatMap { rules.queue($0) }?.overflow.map(\.after) ?? []
        return try await overflow(
            chat: chat, step: step, moveTo: moveTo, overflowDelays: steps, from: queueName ?? "",
            claiming: .overflow(chat: chat, step: step))
    }
}
