import Foundation
import Testing
import Workflow

@Suite struct BusinessHoursTests {
    /// A moment given in UTC, as `2025-01-06T08:30:00Z`.
    static func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    static func hours(_ zone: String, _ days: String) throws -> BusinessHours {
        let loaded = try workflow(queues: """
              - name: sales
                hours:
                  timezone: \(zone)
            \(days)
            """)
        return try #require(loaded.queues[0].hours)
    }

    @Test func opensByTheLocalClockInWinterAndSummer() throws {
        let berlin = try Self.hours("Europe/Berlin", #"      mon-fri: "09:00-17:00""#)
        // 2025-01-06 is a Monday; Berlin is UTC+1 in winter and UTC+2 in summer.
        #expect(!berlin.isOpen(at: Self.at("2025-01-06T07:59:59Z")))
        #expect(berlin.isOpen(at: Self.at("2025-01-06T08:00:00Z")))
        #expect(berlin.isOpen(at: Self.at("2025-01-06T15:59:59Z")))
        #expect(!berlin.isOpen(at: Self.at("2025-01-06T16:00:00Z")))
        #expect(berlin.isOpen(at: Self.at("2025-07-07T07:00:00Z")))
        #expect(!berlin.isOpen(at: Self.at("2025-07-07T15:30:00Z")))
        #expect(!berlin.isOpen(at: Self.at("2025-01-04T10:00:00Z")))  // Saturday
    }

    @Test func theDayIsTheLocalDay() throws {
        // Sunday 23:30 UTC is Monday 00:30 in Berlin, and still Sunday 18:30 in New York.
        let moment = Self.at("2025-01-05T23:30:00Z")
        #expect(try Self.hours("Europe/Berlin", #"      mon: "00:00-01:00""#).isOpen(at: moment))
        #expect(try !Self.hours("UTC", #"      mon: "00:00-01:00""#).isOpen(at: moment))
        #expect(try Self.hours("America/New_York", #"      sun: "18:00-19:00""#).isOpen(at: moment))
        #expect(try !Self.hours("America/New_York", "      mon-fri: 24h").isOpen(at: moment))
    }

    @Test func aRangePastMidnightRunsIntoTheNextDay() throws {
        // Friday 2025-01-10, in UTC for easy reading.
        let late = try Self.hours("UTC", #"      fri: "22:00-02:00""#)
        #expect(!late.isOpen(at: Self.at("2025-01-10T21:59:00Z")))
        #expect(late.isOpen(at: Self.at("2025-01-10T22:00:00Z")))
        #expect(late.isOpen(at: Self.at("2025-01-11T01:59:59Z")))  // Saturday, from Friday's range
        #expect(!late.isOpen(at: Self.at("2025-01-11T02:00:00Z")))
        #expect(!late.isOpen(at: Self.at("2025-01-10T01:00:00Z")))  // Friday early: Thursday had no late range
    }

    @Test func allDayAndUntilMidnight() throws {
        let hours = try Self.hours("UTC", """
                  sat: 24h
                  sun: "12:00-24:00"
            """)
        #expect(hours.isOpen(at: Self.at("2025-01-11T00:00:00Z")))
        #expect(hours.isOpen(at: Self.at("2025-01-11T23:59:59Z")))
        #expect(!hours.isOpen(at: Self.at("2025-01-12T11:59:59Z")))
        #expect(hours.isOpen(at: Self.at("2025-01-12T23:59:59Z")))
        #expect(!hours.isOpen(at: Self.at("2025-01-13T00:00:00Z")))  // Monday
    }

    @Test func theSpringForwardNight() throws {
        // Berlin skips 02:00-03:00 on 2025-03-30: 00:59:59Z is 01:59:59 CET, 01:00:00Z is 03:00 CEST.
        let night = try Self.hours("Europe/Berlin", #"      sun: "02:30-03:30""#)
        #expect(!night.isOpen(at: Self.at("2025-03-30T00:59:59Z")))
        #expect(night.isOpen(at: Self.at("2025-03-30T01:00:00Z")))
        #expect(!night.isOpen(at: Self.at("2025-03-30T01:30:00Z")))
    }

    @Test func dayKeysAndSeveralRanges() throws {
        let hours = try Self.hours("UTC", """
                  Monday, wed-thu: "08:00-12:00, 13:00-17:00"
                  fri-sun: "10:00-11:00"
                  tue: closed
            """)
        #expect(hours.days[.monday] == [OpeningRange(start: 480, end: 720), OpeningRange(start: 780, end: 1020)])
        #expect(hours.days[.tuesday] == nil)
        #expect(hours.days[.wednesday] == hours.days[.thursday])
        #expect(hours.days[.sunday] == [OpeningRange(start: 600, end: 660)])
        #expect(!hours.isOpen(at: Self.at("2025-01-06T12:30:00Z")))  // Monday's lunch break
        // Foundation names UTC "GMT".
        #expect(hours.description.drop { $0 != ":" }
            == ": mon 08:00-12:00, 13:00-17:00; wed 08:00-12:00, 13:00-17:00; thu 08:00-12:00, 13:00-17:00; "
            + "fri 10:00-11:00; sat 10:00-11:00; sun 10:00-11:00")
    }

    @Test func aQueueWithoutHoursIsAlwaysOpen() throws {
        let loaded = try workflow(queues: """
              - name: sales
            """)
        #expect(loaded.queues[0].isOpen(at: Self.at("2025-01-05T03:00:00Z")))
        #expect(loaded.queues[0].whenClosed == .close)
    }
}
