/// Tab completion on the input line: command names, canned reply keys after `/canned`,
/// transfer targets after `/transfer`.
public enum Completion {
    /// The line completed as far as the candidates agree, or nil when nothing matches.
    public static func complete(_ line: String, commands: [String], canned: [String], targets: [String]) -> String? {
        guard line.hasPrefix("/") else { return nil }
        let words = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        if words.count == 1 {
            return extend("/", String(line.dropFirst()), among: commands, space: true)
        }
        let verb = words[0].dropFirst().lowercased(), partial = String(words[1])
        switch verb {
        case "canned": return extend("/canned ", partial, among: canned, space: false)
        case "transfer": return extend("/transfer ", partial, among: targets, space: false)
        default: return nil
        }
    }

    /// `prefix` + the longest common start of the candidates beginning with `partial`.
    private static func extend(_ prefix: String, _ partial: String, among candidates: [String], space: Bool) -> String? {
        let matches = candidates.filter { $0.hasPrefix(partial) }
        guard var common = matches.first else { return nil }
        for match in matches.dropFirst() {
            while !match.hasPrefix(common) { common.removeLast() }
        }
        return prefix + common + (matches.count == 1 && space ? " " : "")
    }

    /// The candidates for what is typed, to show when completion is ambiguous.
    public static func candidates(_ line: String, commands: [String], canned: [String], targets: [String]) -> [String] {
        let words = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        if words.count == 1 { return commands.filter { $0.hasPrefix(line.dropFirst()) } }
        let partial = String(words[1])
        switch words[0].dropFirst().lowercased() {
        case "canned": return canned.filter { $0.hasPrefix(partial) }
        case "transfer": return targets.filter { $0.hasPrefix(partial) }
        default: return []
        }
    }
}
