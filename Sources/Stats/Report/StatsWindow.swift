/// The time a report covers, in whole minutes: facts are kept per minute, so `since` is rounded
/// down and `until` up to a minute boundary. Times are milliseconds since 1970 (Redis's clock).
public struct StatsWindow: Sendable, Hashable {
    /// The first minute included (minutes since 1970).
    public let firstMinute: Int64
    /// The minute after the last one included.
    public let endMinute: Int64

    /// Long windows are read minute by minute; a bound keeps one request from reading months.
    public static let maximumMinutes: Int64 = 31 * 24 * 60

    /// Times a window may name: years 1 to 9999, as ISO 8601 writes them. Anything further is a
    /// mistake, and the bound keeps the minute arithmetic below far from overflowing.
    public static let times: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    public init(sinceMilliseconds since: Int64, untilMilliseconds until: Int64) throws(StatsError) {
        guard Self.times.contains(since), Self.times.contains(until) else {
            throw .badWindow("times must lie between the years 1 and 9999")
        }
        guard since < until else { throw .badWindow("since must be before until") }
        firstMinute = since.floorDiv(60_000)
        endMinute = (until + 59_999).floorDiv(60_000)
        guard endMinute - firstMinute <= Self.maximumMinutes else {
            throw .badWindow("at most \(Self.maximumMinutes / 1440) days at a time")
        }
    }

    public var minutes: Range<Int64> { firstMinute..<endMinute }
    public var sinceMilliseconds: Int64 { firstMinute * 60_000 }
    public var untilMilliseconds: Int64 { endMinute * 60_000 }
}

extension Int64 {
    func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
