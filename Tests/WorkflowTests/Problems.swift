import Testing
import Workflow

/// The environment the tests load workflows with: never the test process's own.
let testEnvironment = [
    "SB_COMPONENT_SECRET": "test-secret", "SB_STATS_TOKEN": "test-stats-token", "SB_WEBHOOK_SECRET": "test-webhook-secret",
]

/// The problems `Workflow.parse` finds in `yaml` (none when it loads).
func problems(in yaml: String, environment: [String: String] = testEnvironment) -> [WorkflowProblem] {
    do {
        _ = try Workflow.parse(yaml: yaml, file: "test.yml", environment: environment)
        return []
    } catch {
        return error.problems
    }
}

/// Loads `yaml`, which must be valid.
func workflow(_ yaml: String, environment: [String: String] = testEnvironment) throws -> Workflow {
    try Workflow.parse(yaml: yaml, file: "test.yml", environment: environment)
}

/// A valid workflow with one agent (alice, without skills) and `queues`, YAML list items indented
/// by two spaces (`  - name: sales`).
func workflow(queues: String) throws -> Workflow {
    try workflow("xmpp: { secret: s }\nagents:\n  - jid: alice@localhost\nqueues:\n" + queues)
}

/// Expects exactly these problems, in order: each at `line`, with `reason` part of its text.
func expectProblems(
    in yaml: String, _ expected: [(line: Int, reason: String)], environment: [String: String] = testEnvironment,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let found = problems(in: yaml, environment: environment)
    let listing = found.map(\.description).joined(separator: "\n")
    #expect(found.count == expected.count, "found:\n\(listing)", sourceLocation: sourceLocation)
    for (problem, expectation) in zip(found, expected) {
        #expect(problem.line == expectation.line, "\(problem)", sourceLocation: sourceLocation)
        #expect(problem.reason.contains(expectation.reason), "\(problem)", sourceLocation: sourceLocation)
        #expect(problem.file == "test.yml", sourceLocation: sourceLocation)
    }
}
