import Testing
import Workflow

@Suite struct DurationTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("2m", .seconds(120)), ("1h", .seconds(3600)), ("1h30m", .seconds(5400)),
        ("500ms", .milliseconds(500)), ("45", .seconds(45)), ("1.5", .milliseconds(1500)), ("0", .zero),
        ("2m30s", .seconds(150)), ("1s500ms", .milliseconds(1500)), (" 90s ", .seconds(90)), ("1h 5m", .seconds(3900)),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try Duration(workflowText: text) == expected)
    }

    @Test(arguments: ["", "-5s", "5x", "1d", "m", "30m1h", "1m1m", "1.2345", "1.2.3", "10 minutes", "99999999999h",
        // Each part fits in 64 bits, their sum does not: refused, never an arithmetic trap.
        "1h153722867280912m", "9223372036854775807ms", "153722867280912m1h", "9223372036854775.807",
    ])
    func refuses(text: String) {
        #expect(throws: WorkflowValueError.self) { try Duration(workflowText: text) }
    }

    @Test func namesTheUnitsItKnows() {
        #expect(throws: WorkflowValueError("'1d': unknown unit 'd' (use h, m, s or ms)")) { try Duration(workflowText: "1d") }
    }

    /// `retention` counts in days too; timeouts do not (a timeout in days is a typo).
    @Test func takesDaysWhereAsked() throws {
        #expect(try Duration(workflowText: "30d", allowingDays: true) == .seconds(30 * 86_400))
        #expect(try Duration(workflowText: "1d12h", allowingDays: true) == .seconds(36 * 3600))
        #expect(try Duration(workflowText: "0", allowingDays: true) == .zero)
        #expect(try Duration(workflowText: "90m", allowingDays: true) == .seconds(5400))
        #expect(throws: WorkflowValueError("'2w': unknown unit 'w' (use d, h, m, s or ms)")) {
            try Duration(workflowText: "2w", allowingDays: true)
        }
        #expect(throws: WorkflowValueError.self) { try Duration(workflowText: "1h1d", allowingDays: true) }
        #expect(throws: WorkflowValueError.self) { try Duration(workflowText: "99999999d", allowingDays: true) }
    }

    @Test(arguments: [
        (Duration.seconds(5400), "1h30m"), (.milliseconds(500), "500ms"), (.zero, "0s"), (.seconds(61), "1m1s"),
        (.milliseconds(3_600_001), "1h1ms"),
    ])
    func writesItBack(duration: Duration, text: String) throws {
        #expect(duration.workflowText == text)
        #expect(try Duration(workflowText: text) == duration)
    }
}
