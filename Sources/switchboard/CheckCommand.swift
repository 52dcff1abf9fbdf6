import ArgumentParser
import Foundation
import Workflow

/// `switchboard check`: validates workflow files and reports every problem, as a compiler would.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check workflow files and report every problem with its line.",
        discussion: """
            Each problem is printed as FILE:LINE:COLUMN: error: REASON, sorted by line, followed by a \
            count. A file without problems prints FILE: ok (N queues, M agents).
            ${NAME} and ${NAME:-default} in values are taken from this command's environment, so check \
            with the variables the router will have; a variable without a default that is not set is a \
            warning (the file is checked with a stand-in value; the router refuses it), or a problem \
            with --require-env. Secrets are never printed.
            Exit status: 0 when every file is valid, 1 when any has a problem.
            """
    )

    @Argument(help: "Workflow files (YAML) to check, such as Workflows/default.yml.")
    var files: [String]

    @Flag(help: "Treat an environment variable that is not set (and has no default) as a problem, as the router does.")
    var requireEnv = false

    func run() throws {
        var failed = false
        for file in files {
            do {
                let (workflow, warnings) = try Workflow.check(path: file, standInForUnsetVariables: !requireEnv)
                for warning in warnings { print(warning) }
                print("\(file): ok (\(Self.count(workflow.queues.count, "queue")), \(Self.count(workflow.agents.count, "agent")))")
            } catch {
                failed = true
                for problem in error.problems { print(problem) }
                print("\(file): \(Self.count(error.problems.count, "problem"))")
            }
        }
        if failed { throw ExitCode.failure }
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
