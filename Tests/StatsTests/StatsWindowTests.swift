import Stats
import Testing

/// A report's window from numbers a request gave: bounded, whatever they are.
@Suite struct StatsWindowTests {
    @Test func roundsToWholeMinutes() throws {
        let window = try StatsWindow(sinceMilliseconds: 90_000, untilMilliseconds: 150_000)
        #expect(window.minutes == 1..<3)
    }

    static let beyondAnyCalendar: [(Int64, Int64)] = [
        (.min, .max), (.max - 1, .max), (.min, .min + 1), (0, .max), (.min, 0), (-1, .max - 59_000),
    ]

    @Test(arguments: beyondAnyCalendar)
    func refusesTimesBeyondAnyCalendar(since: Int64, until: Int64) {
        #expect(throws: StatsError.self) { try StatsWindow(sinceMilliseconds: since, untilMilliseconds: until) }
    }
}
