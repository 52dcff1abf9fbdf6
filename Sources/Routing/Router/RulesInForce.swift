import Synchronization

/// The routing rules in force, swapped whole on reload; each stanza is handled under the rules
/// it started with.
final class RulesInForce: Sendable {
    private let rules: Mutex<RoutingRules>

    init(_ rules: RoutingRules) { self.rules = Mutex(rules) }

    var current: RoutingRules { rules.withLock { $0 } }

    func replace(with rules: RoutingRules) { self.rules.withLock { $0 = rules } }
}
