import Foundation
import Yams

extension Workflow {
    /// Reads and checks the workflow file at `path`; `${NAME}` in its values comes from `environment`.
    ///
    /// Throws every problem found, not just the first.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(WorkflowErrors) -> Workflow {
        try check(path: path, environment: environment, standInForUnsetVariables: false).workflow
    }

    /// As `load`, for `switchboard check`: with `standInForUnsetVariables`, a variable that is not
    /// set (and has no default) is a warning, checked with a stand-in value, not a problem.
    public static func check(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        standInForUnsetVariables: Bool
    ) throws(WorkflowErrors) -> (workflow: Workflow, warnings: [WorkflowProblem]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw WorkflowErrors([WorkflowProblem(file: path, line: 0, column: 0, reason: reason)])
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw WorkflowErrors([WorkflowProblem(file: path, line: 0, column: 0, reason: "the file is not UTF-8 text")])
        }
        return try parse(yaml: yaml, file: path, environment: environment, standInForUnsetVariables: standInForUnsetVariables)
    }

    /// Checks workflow text; `file` names it in problems.
    public static func parse(
        yaml: String, file: String = "workflow.yml", environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(WorkflowErrors) -> Workflow {
        try parse(yaml: yaml, file: file, environment: environment, standInForUnsetVariables: false).workflow
    }

    private static func parse(
        yaml: String, file: String, environment: [String: String], standInForUnsetVariables: Bool
    ) throws(WorkflowErrors) -> (workflow: Workflow, warnings: [WorkflowProblem]) {
        let reader = WorkflowReader(file: file, environment: environment, standInForUnsetVariables: standInForUnsetVariables)
        let root: Node
        do {
            // An empty file has no root: it is read as an empty mapping, which names what is missing.
            root = try Yams.compose(yaml: yaml) ?? Node([(Node, Node)]())
        } catch {
            throw WorkflowErrors([syntaxProblem(error, file: file)])
        }
        guard let workflow = reader.workflow(root) else { throw WorkflowErrors(reader.problems) }
        return (workflow, reader.warnings.sorted())
    }

    /// libyaml stops at its first error, so a syntax error is the only problem of its file.
    private static func syntaxProblem(_ error: any Error, file: String) -> WorkflowProblem {
        func problem(_ line: Int, _ column: Int, _ reason: String) -> WorkflowProblem {
            WorkflowProblem(file: file, line: line, column: column, reason: "YAML: \(reason)")
        }
        guard let error = error as? YamlError else { return problem(1, 1, "\(error)") }
        switch error {
        case .scanner(_, _, let mark, let yaml) where character(atLine: mark.line, column: mark.column, of: yaml) == "\t":
            // libyaml's own words ("found character that cannot start any token") do not say which.
            return problem(mark.line, mark.column, "a tab at line \(mark.line), column \(mark.column): YAML indents with spaces, never tabs")
        case .scanner(let context, let reason, let mark, _), .parser(let context, let reason, let mark, _),
            .composer(let context, let reason, let mark, _):
            return problem(mark.line, mark.column, context.map { "\(reason) (\($0.text) at line \($0.mark.line))" } ?? reason)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return problem(context.mark.line, context.mark.column, "the key \(keys) appears more than once in the same mapping")
        case .reader(let reason, let offset, _, let yaml):
            let before = offset.map { yaml.prefix($0) } ?? ""
            let line = before.count(where: \.isNewline) + 1
            let column = before.reversed().prefix { !$0.isNewline }.count + 1
            return problem(line, column, reason)
        default:
            return problem(1, 1, "\(error)")
        }
    }

    /// The character at libyaml's 1-based `line` and `column` (counted in Unicode scalars).
    private static func character(atLine line: Int, column: Int, of yaml: String) -> Unicode.Scalar? {
        guard line >= 1, column >= 1 else { return nil }
        let lines = yaml.split(separator: "\n", maxSplits: line, omittingEmptySubsequences: false)
        guard line <= lines.count else { return nil }
        let scalars = lines[line - 1].unicodeScalars
        guard column <= scalars.count else { return nil }
        return scalars[scalars.index(scalars.startIndex, offsetBy: column - 1)]
    }
}
