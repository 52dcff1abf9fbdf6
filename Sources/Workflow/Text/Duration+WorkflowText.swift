import Foundation

extension Duration {
    /// Parses a workflow duration: `500ms`, `30s`, `2m`, `1h`, `1h30m`, or a bare number of seconds
    /// (`45`, `1.5`).
    ///
    /// Units go from largest to smallest, each at most once, so a value reads one way only.
    /// Everything is kept to the millisecond, which is as fine as routing timers need.
    /// `allowingDays` also takes `d` (`30d`, `1d12h`): only for spans such as `retention`, where
    /// days are natural; a timeout in days is a typo.
    public init(workflowText text: String, allowingDays: Bool = false) throws(WorkflowValueError) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw WorkflowValueError("the duration is empty") }
        if text.first == "-" { throw WorkflowValueError("a duration cannot be negative: '\(text)'") }
        if text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            self = try Self.bareSeconds(text)
        } else {
            self = try Self.withUnits(text, units: allowingDays ? [Self.day] + Self.units : Self.units)
        }
    }

    /// The duration as a workflow file would write it (`1h30m`, `500ms`, `0s`).
    public var workflowText: String {
        var rest = Int64(components.seconds) * 1000 + components.attoseconds / 1_000_000_000_000_000
        guard rest > 0 else { return "0s" }
        var text = ""
        for (unit, size) in Self.units where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    /// Units and their size in milliseconds, largest first.
    private static let units: [(String, Int64)] = [("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
    private static let day: (String, Int64) = ("d", 86_400_000)
    /// About 100 years: more is a typo, and it keeps the arithmetic far from overflowing.
    private static let maximumMilliseconds: Int64 = 100 * 366 * 24 * 3_600_000

    private static func bareSeconds(_ text: String) throws(WorkflowValueError) -> Duration {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0].isEmpty ? "0" : parts[0]) else {
            throw WorkflowValueError("'\(text)' is not a duration")
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 3 else {
            throw WorkflowValueError("'\(text)' has more than 3 decimals: durations count in milliseconds")
        }
        let milliseconds = Int64(fraction.padding(toLength: 3, withPad: "0", startingAt: 0)) ?? 0
        guard whole <= maximumMilliseconds / 1000 else { throw WorkflowValueError("the duration '\(text)' is too long") }
        return .milliseconds(whole * 1000 + milliseconds)
    }

    private static func withUnits(_ text: String, units: [(String, Int64)]) throws(WorkflowValueError) -> Duration {
        var total: Int64 = 0
        var lastUnit = -1
        var rest = Substring(text)
        while !rest.isEmpty {
            rest = rest.drop(while: \.isWhitespace)
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix(while: \.isLetter)
            rest = rest.dropFirst(unitText.count)
            guard !digits.isEmpty, let number = Int64(digits) else {
                throw WorkflowValueError("'\(text)' is not a duration: write it like 30s, 2m, 1h30m, 500ms or 45")
            }
            guard let unit = units.firstIndex(where: { $0.0 == unitText }) else {
                let hint = unitText.isEmpty ? "a number needs a unit" : "unknown unit '\(unitText)'"
                let names = units.dropLast().map(\.0).joined(separator: ", ") + " or ms"
                throw WorkflowValueError("'\(text)': \(hint) (use \(names))")
            }
            guard unit > lastUnit else {
                throw WorkflowValueError("'\(text)': units must go from largest to smallest, each once (like 1h30m)")
            }
            lastUnit = unit
            // Each part is checked before it is added: parts that fit alone may not fit together.
            let (product, overflow) = number.multipliedReportingOverflow(by: units[unit].1)
            guard !overflow, product <= maximumMilliseconds - total else {
                throw WorkflowValueError("the duration '\(text)' is too long")
            }
            total += product
        }
        return .milliseconds(total)
    }
}
