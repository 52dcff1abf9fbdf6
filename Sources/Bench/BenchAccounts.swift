/// The accounts a bench run creates on its Prosody: `visitorN` and `agentN`, one password.
public enum BenchAccounts {
    static let password = "bench-password"

    static func visitor(_ index: Int) -> String { "visitor\(index)" }
    public static func agent(_ index: Int) -> String { "agent\(index)" }

    /// Accounts for the agents and the visitors who come over XMPP.
    static func all(_ scenario: Scenario) -> [String: String] {
        let users = (0..<scenario.visitors).filter { !scenario.visitorChannel.isWeb(visitor: $0) }.map(visitor) + (0..<scenario.agents).map(agent)
        return Dictionary(uniqueKeysWithValues: users.map { ($0, password) })
    }
}
