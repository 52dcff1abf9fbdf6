/// A day of the week, numbered as `Calendar` numbers them (Sunday is 1).
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    /// Monday first, as opening hours are usually written.
    public static let week: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday]

    /// `mon`, `tue`, … as workflow files write them.
    public var abbreviation: String { String(name.prefix(3)) }

    public var description: String { abbreviation }

    /// The day before, for opening ranges that run past midnight.
    public var previous: Weekday { Weekday(rawValue: rawValue == 1 ? 7 : rawValue - 1)! }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        week.firstIndex(of: lhs)! < week.firstIndex(of: rhs)!
    }

    /// `mon` or `monday`, in any case.
    init?(name text: some StringProtocol) {
        let text = text.lowercased()
        guard let day = Self.allCases.first(where: { $0.abbreviation == text || $0.name == text }) else { return nil }
        self = day
    }

    private var name: String {
        switch self {
        case .sunday: "sunday"
        case .monday: "monday"
        case .tuesday: "tuesday"
        case .wednesday: "wednesday"
        case .thursday: "thursday"
        case .friday: "friday"
        case .saturday: "saturday"
        }
    }
}
