import Foundation
import Yams

extension WorkflowReader {
    /// `hours`: a `timezone` and day keys (`mon-fri: "09:00-17:00"`); see `BusinessHours`.
    func businessHours(_ node: Node) -> BusinessHours? {
        guard let fields = fields(node, "hours") else { return nil }
        var timeZone: TimeZone?
        var days: [Weekday: [OpeningRange]] = [:]
        var firstLine: [Weekday: Int] = [:]
        var valid = true
        for entry in fields.entries {
            if entry.key == "timezone" {
                timeZone = value(entry.value, "timezone") { text throws(WorkflowValueError) in
                    guard let zone = TimeZone(identifier: text) else {
                        throw WorkflowValueError("unknown time zone '\(text)' (use a name like Europe/Berlin, America/New_York or UTC)")
                    }
                    return zone
                }
                valid = valid && timeZone != nil
                continue
            }
            let named: [Weekday]
            do {
                named = try BusinessHours.days(named: entry.key)
            } catch {
                note("hours: \(error.reason)", at: entry.keyNode)
                valid = false
                continue
            }
            let ranges = entry.value.isNull ? [] : value(entry.value, entry.key) { text throws(WorkflowValueError) in
                try BusinessHours.ranges(in: text)
            }
            valid = valid && ranges != nil
            for day in named {
                if let line = firstLine[day] {
                    note("hours give \(day) twice (also on line \(line))", at: entry.keyNode)
                    valid = false
                }
                firstLine[day] = firstLine[day] ?? entry.keyNode.mark?.line ?? 0
                days[day] = ranges ?? []
            }
        }
        if fields.entry("timezone") == nil {
            note("hours need a timezone, such as timezone: Europe/Berlin or timezone: UTC", at: fields.node)
            valid = false
        }
        guard valid, let timeZone else { return nil }
        guard days.values.contains(where: { !$0.isEmpty }) else {
            note("the hours open on no day, so the queue would never take a chat", at: fields.node)
            return nil
        }
        return BusinessHours(timeZone: timeZone, days: days)
    }
}
