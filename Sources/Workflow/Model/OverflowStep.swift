/// What a queue does with a chat that has waited too long: relax a skill, or send it elsewhere.
public struct OverflowStep: Sendable, Hashable, CustomStringConvertible {
    /// The change the step makes.
    public enum Action: Sendable, Hashable {
        /// Stop requiring this skill.
        case dropSkill(String)
        /// Move the chat to this queue (named), where its wait goes on.
        case moveTo(String)
    }

    /// Time since the chat entered this queue.
    public var after: Duration
    public var action: Action

    public init(after: Duration, action: Action) {
        self.after = after
        self.action = action
    }

    /// The queue the step moves the chat to; nil for a step that drops a skill.
    public var moveTo: String? {
        if case .moveTo(let queue) = action { queue } else { nil }
    }

    public var description: String {
        switch action {
        case .dropSkill(let skill): "after \(after.workflowText) drop skill \(skill)"
        case .moveTo(let queue): "after \(after.workflowText) move to \(queue)"
        }
    }
}
