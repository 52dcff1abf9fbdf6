import Foundation

/// When a queue is open: opening ranges per weekday in a named time zone.
///
/// Written in a workflow as a mapping of a `timezone` and day keys:
/// `mon-fri: "09:00-17:00"`, `sat: "10:00-12:00, 13:00-16:00"`, `sun: closed`; days not listed are
/// closed, `24h` is all day, and a range ending before it starts (`22:00-02:00`) runs past midnight.
public struct BusinessHours: Sendable, Hashable, CustomStringConvertible {
    public let timeZone: TimeZone
    /// Opening ranges of each day, sorted; a day without an entry is closed.
    public let days: [Weekday: [OpeningRange]]

    public init(timeZone: TimeZone, days: [Weekday: [OpeningRange]]) {
        self.timeZone = timeZone
        self.days = days.filter { !$0.value.isEmpty }.mapValues { $0.sorted { $0.start < $1.start } }
    }

    /// Whether the queue is open at `date`, judged by the wall clock of `timeZone` (so summer time
    /// moves the opening hours with it).
    public func isOpen(at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let local = calendar.dateComponents([.weekday, .hour, .minute, .second], from: date)
        guard let weekday = local.weekday.flatMap(Weekday.init(rawValue:)) else { return false }
        let second = (local.hour ?? 0) * 3600 + (local.minute ?? 0) * 60 + (local.second ?? 0)
        if days[weekday, default: []].contains(where: { $0.contains(secondOfDay: second) }) { return true }
        // Yesterday's ranges that run past midnight.
        return days[weekday.previous, default: []].contains { $0.contains(secondOfDay: second + 86_400) }
    }

    public var description: String {
        let open = Weekday.week.compactMap { day in
            days[day].map { "\(day) \($0.map(\.description).joined(separator: ", "))" }
        }
        return "\(timeZone.identifier): " + (open.isEmpty ? "never open" : open.joined(separator: "; "))
    }

    /// The days a key names: `mon`, `mon-fri`, `fri-mon` (across the weekend), `sat, sun`.
    static func days(named key: String) throws(WorkflowValueError) -> [Weekday] {
        var result: [Weekday] = []
        for item in key.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count) else { throw unknownDay(item) }
            guard let first = Weekday(name: ends[0]) else { throw unknownDay(String(ends[0])) }
            guard let last = Weekday(name: ends[ends.count - 1]) else { throw unknownDay(String(ends[1])) }
            var day = first
            result.append(day)
            while day != last {
                day = Weekday.week[(Weekday.week.firstIndex(of: day)! + 1) % 7]
                result.append(day)
            }
        }
        guard !result.isEmpty else { throw unknownDay(key) }
        return result
    }

    /// The ranges of a day's value: `09:00-17:00`, `09:00-12:00, 13:00-17:00`, `24h` or `closed`.
    static func ranges(in value: String) throws(WorkflowValueError) -> [OpeningRange] {
        let value = value.trimmingCharacters(in: .whitespaces).lowercased()
        if value == "closed" { return [] }
        if value == "24h" { return [OpeningRange(start: 0, end: 1440)] }
        var ranges: [OpeningRange] = []
        for item in value.split(separator: ",") {
            ranges.append(try OpeningRange(text: item.trimmingCharacters(in: .whitespaces)))
        }
        guard !ranges.isEmpty else {
            throw WorkflowValueError("no opening hours given: write them like 09:00-17:00, or closed")
        }
        ranges.sort { $0.start < $1.start }
        for (earlier, later) in zip(ranges, ranges.dropFirst()) where later.start < earlier.end {
            throw WorkflowValueError("the ranges \(earlier) and \(later) overlap")
        }
        return ranges
    }

    private static func unknownDay(_ text: String) -> WorkflowValueError {
        let names = Weekday.week.map(\.abbreviation)
        let guess = Suggestion.closest(to: text, among: names).map { "; did you mean '\($0)'?" } ?? ""
        return WorkflowValueError(
            "'\(text)' is not a day or range of days\(guess) (write mon, tue, wed, thu, fri, sat, sun, or a range like mon-fri)")
    }
}
