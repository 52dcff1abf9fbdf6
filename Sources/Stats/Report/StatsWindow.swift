/// The time a report covers, in whole minutes: facts are kept per minute, so `since` is rounded
/// down and `until` up to a minute boundary. Times are milliseconds since 1970 (Redis's clock).
public struct StatsWindow: Sendable, Hashable {
    /// The first minute included (minutes since 1970).
    public let firstMinute: Int64
    /// The minute after the last one included.
    public let endMinute: Int64

    /// Long windows are read minute by minute; a bound keeps one request from reading months.
    public static let maximumMinutes: Int64 = 31 * 24 * 60

    public init(sinceMilliseconds since: Int64, untilMilliseconds until: Int64) throws(StatsError) {
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
