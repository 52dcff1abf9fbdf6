import XMPP

/// The accounts an attached run signs in with (`switchboard bench --attach --accounts FILE`), made
/// beforehand on the deployment's XMPP server by its own admin tool. One account a line:
///
///     visitor visitor1@example.com PASSWORD
///     agent agent1@example.com PASSWORD
///
/// The password is the rest of the line (it may hold spaces); blank lines and lines starting with
/// `#` are skipped. Agents must be agents in the router's workflow, with the queues' skills.
public enum BenchAccountList {
    /// Bounds on what the file may hold: every account is a session the load generator keeps open.
    public static let maximumBytes = 16 * 1024 * 1024
    public static let maximumVisitors = Scenario.limits.visitors
    public static let maximumAgents = Scenario.limits.agents
    static let maximumPasswordBytes = 1024

    /// Reads the list; a line it cannot read is an error naming the line, never the password.
    public static func parse(_ text: String) throws(BenchError) -> (visitors: [BenchAccount], agents: [BenchAccount]) {
        guard text.utf8.count <= maximumBytes else { throw .attach("the accounts file is larger than \(maximumBytes) bytes") }
        var visitors: [BenchAccount] = [], agents: [BenchAccount] = []
        var seen = Set<String>()
        // "\r\n" is one Character, a newline like "\n".
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = offset + 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count == 3 else { throw .attach("accounts line \(number): expected ROLE JID PASSWORD") }
            let password = String(fields[2])
            guard password.utf8.count <= maximumPasswordBytes else {
                throw .attach("accounts line \(number): the password is longer than \(maximumPasswordBytes) bytes")
            }
            guard let jid = try? JID(fields[1]), jid.local != nil, jid.resource == nil else {
                throw .attach("accounts line \(number): \"\(fields[1])\" is no bare account JID (user@domain)")
            }
            guard seen.insert(jid.description).inserted else { throw .attach("accounts line \(number): \(jid) is listed twice") }
            let account = BenchAccount(jid: jid, password: password)
            switch fields[0] {
            case "visitor":
                guard visitors.count < maximumVisitors else { throw .attach("more than \(maximumVisitors) visitors") }
                visitors.append(account)
            case "agent":
                guard agents.count < maximumAgents else { throw .attach("more than \(maximumAgents) agents") }
                agents.append(account)
            default:
                throw .attach("accounts line \(number): the role is visitor or agent, not \"\(fields[0].prefix(20))\"")
            }
        }
        return (visitors, agents)
    }
}
