/// The types of the routing events the scripts append to `RoutingKeys.events` (field `type`),
/// which the stats service applies. The Lua spells them as strings; a test checks that every
/// type a script emits or the stats script handles is one of these.
public enum RoutingEvent: String, Sendable, Hashable, CaseIterable {
    /// A chat opened and waits in its queue (fields `visitor`, `channel`).
    case queued
    /// Offered to an agent (manual accept).
    case offered
    /// Given to an agent at once (auto accept).
    case assigned
    case accepted
    case declined
    /// An offer ran out unanswered.
    case offerTimeout = "offer_timeout"
    /// An agent's presence changed (fields `presence`, perhaps `reason`); no chat.
    case presence
    /// Fields `by` and `abandoned` (1 when closed before an agent accepted it), and `reason`
    /// `max_wait` when the wait ran out.
    case closed
    case visitorMessage = "visitor_message"
    case agentMessage = "agent_message"
    /// To another agent (`to_agent`) or queue (`from_queue`, `to_queue`).
    case transferred
    /// Back in its queue (field `reason`), e.g. its agent stayed offline past the grace period.
    case requeued
    /// An overflow step (fields `step`, `action`: `drop` or `move`, and `from` for a move).
    case overflow
    /// A supervisor started watching the chat (field `supervisor`).
    case monitored
    /// The visitor rated the closed chat (fields `score` 1–5, `previous`: the score it replaces, 0
    /// for none, `comment`); the last rating within the queue's `csat_window` counts.
    case rated
}
