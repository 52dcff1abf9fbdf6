import Yams

extension WorkflowReader {
    /// Overflow steps in order of `after`, each dropping one of the queue's skills or moving the chat
    /// to another queue; a move ends the list, since the chat is no longer here for later steps.
    func overflowSteps(_ node: Node, of queue: Queue, _ context: QueueContext) -> [OverflowStep] {
        guard let items = list(node, "overflow") else { return [] }
        var steps: [OverflowStep] = []
        var dropped: Set<String> = []
        var movedTo: String?
        // Of the previous step with a valid `after`, even if its action had a problem.
        var previousAfter: Duration?
        for item in items {
            guard let fields = fields(item, "an overflow step", allowed: WorkflowKeys.overflowStep) else { continue }
            if let movedTo {
                note("this step never applies: the chat has moved to '\(movedTo)' by then", at: item)
            }
            let after = required(fields, "after", in: "an overflow step").flatMap { duration($0, "after") }
            if let after, let previous = previousAfter, after <= previous {
                note("after: overflow steps go in order of time, but \(after.workflowText) is not later than \(previous.workflowText)", at: fields["after"]!)
            }
            previousAfter = after ?? previousAfter
            let action: OverflowStep.Action?
            switch (fields["drop_skill"], fields["move_to"]) {
            case (nil, nil):
                note("an overflow step needs drop_skill or move_to", at: item)
                action = nil
            case (.some, .some):
                note("an overflow step has either drop_skill or move_to, not both", at: item)
                action = nil
            case (let skillNode?, nil):
                action = droppedSkill(skillNode, of: queue, dropped: &dropped).map(OverflowStep.Action.dropSkill)
            case (nil, let targetNode?):
                let target = moveTarget(targetNode, from: queue, context)
                action = target.map(OverflowStep.Action.moveTo)
                movedTo = movedTo ?? target
            }
            if let after, let action { steps.append(OverflowStep(after: after, action: action)) }
        }
        return steps
    }

    private func droppedSkill(_ node: Node, of queue: Queue, dropped: inout Set<String>) -> String? {
        guard let skill = text(node, "drop_skill") else { return nil }
        guard queue.skills.contains(skill) else {
            let required = queue.skills.isEmpty ? "none" : queue.skills.joined(separator: ", ")
            note("drop_skill: the queue does not require '\(skill)' (it requires: \(required))", at: node)
            return nil
        }
        guard dropped.insert(skill).inserted else {
            note("drop_skill: '\(skill)' is already dropped by an earlier step", at: node)
            return nil
        }
        return skill
    }

    private func moveTarget(_ node: Node, from queue: Queue, _ context: QueueContext) -> String? {
        guard let target = text(node, "move_to") else { return nil }
        guard target != queue.name else {
            note("move_to: a queue cannot overflow to itself", at: node)
            return nil
        }
        guard context.queueNames.contains(target) else {
            let guess = Suggestion.closest(to: target, among: context.queueNames).map { "; did you mean '\($0)'?" } ?? ""
            note("move_to: there is no queue '\(target)'\(guess)", at: node)
            return nil
        }
        return target
    }
}
