import Foundation
import Yams

extension Workflow {
    /// Reads and checks the workflow file at `path`; `${NAME}` in its values comes from `environment`.
    ///
    /// Throws every problem found, not just the first.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(WorkflowErrors) -> Workflow {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw WorkflowErrors([WorkflowProblem(file: path, line: 0, column: 0, reason: reason)])
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw WorkflowErrors([WorkflowProblem(file: path, line: 0, column: 0, reason: "the file is not UTF-8 text")])
        }
        return try parse(yaml: yaml, file: path, environment: environment)
    }

    /// Checks workflow text; `file` names it in problems.
    public static func parse(
        yaml: String, file: String = "workflow.yml", environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(WorkflowErrors) -> Workflow {
        let reader = WorkflowReader(file: file, environment: environment)
        let root: Node
        do {
            // An empty file has no root: it is read as an empty mapping, which names what is missing.
            root = try Yams.compose(yaml: yaml) ?? Node([(Node, Node)]())
        } catch {
            throw WorkflowErrors([syntaxProblem(error, file: file)])
        }
        guard let workflow = reader.workflow(root) else { throw WorkflowErrors(reader.problems) }
        return workflow
    }

    /// libyaml stops at its first error, so a syntax error is the only problem of its file.
    private static func syntaxProblem(_ error: any Error, file: String) -> WorkflowProblem {
        func problem(_ line: Int, _ column: Int, _ reason: String) -> WorkflowProblem {
            WorkflowProblem(file: file, line: line, column: column, reason: "YAML: \(reason)")
        }
        guard let error = error as? YamlError else { return problem(1, 1, "\(error)") }
        switch error {
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
}
