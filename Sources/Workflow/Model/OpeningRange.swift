import Foundation

/// One opening period of a day, in minutes after local midnight; an end past 24:00 (1440) runs into
/// the next day, as `22:00-02:00` does.
public struct OpeningRange: Sendable, Hashable, CustomStringConvertible {
    public let start: Int
    public let end: Int

    /// `start` in 0..<1440, `end` after it and at most a day later; anything else is a programming error.
    public init(start: Int, end: Int) {
        precondition((0..<1440).contains(start) && start < end && end <= start + 1440, "invalid opening range")
        self.start = start
        self.end = end
    }

    /// Parses `09:00-17:00`; `24:00` may end a range, and an end before the start means "next day".
    init(text: String) throws(WorkflowValueError) {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2 else {
            throw WorkflowValueError("'\(text)' is not a time range: write it like 09:00-17:00")
        }
        let start = try Self.minutes(bounds[0], range: text)
        var end = try Self.minutes(bounds[1], range: text)
        guard start < 1440 else { throw WorkflowValueError("'\(text)': a range cannot start at 24:00") }
        guard start != end else { throw WorkflowValueError("'\(text)' is empty: it starts when it ends") }
        if end < start { end += 1440 }
        self.init(start: start, end: end)
    }

    /// Whether a moment `secondOfDay` seconds after midnight of this range's day falls inside it.
    func contains(secondOfDay: Int) -> Bool {
        start * 60 <= secondOfDay && secondOfDay < end * 60
    }

    public var description: String {
        "\(Self.clock(start))-\(Self.clock(end > 1440 ? end - 1440 : end))"
    }

    private static func clock(_ minutes: Int) -> String {
        let hours = minutes / 60
        let rest = minutes % 60
        return "\(hours < 10 ? "0" : "")\(hours):\(rest < 10 ? "0" : "")\(rest)"
    }

    private static func minutes(_ text: Substring, range: String) throws(WorkflowValueError) -> Int {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0..<60).contains(minutes), (0..<24).contains(hours) || (hours == 24 && minutes == 0)
        else {
            throw WorkflowValueError("'\(range)': '\(text)' is not a time of day (00:00 to 24:00)")
        }
        return hours * 60 + minutes
    }
}
