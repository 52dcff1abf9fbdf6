import Workflow

extension QueueMessages {
    /// The texts a queue built without a workflow had while `RoutingRules` kept its own defaults
    /// (a workflow's queues always had the workflow's). The tests that build their rules by hand
    /// were written against them, so their queues configure them.
    static let routerTexts: QueueMessages = {
        var messages = QueueMessages()
        messages.welcome = MessageTemplate(builtIn: "Welcome! An agent will be with you shortly.")
        messages.position = MessageTemplate(builtIn: "You are number {position} in line (about {eta}).")
        messages.noAgents = MessageTemplate(builtIn: "No agent is available right now; please stay, we will answer as soon as we can.")
        messages.closed = MessageTemplate(builtIn: "This chat has ended. Thank you!")
        messages.outOfHours = MessageTemplate(builtIn: "We are closed right now.")
        return messages
    }()
}
