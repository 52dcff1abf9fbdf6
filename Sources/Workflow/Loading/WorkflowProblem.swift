/// One thing wrong in a workflow file, where it is and why.
public struct WorkflowProblem: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let file: String
    /// 1-based; 0 when the problem concerns the whole file (it cannot be read).
    public let line: Int
    /// 1-based, counted in Unicode scalars as libyaml counts them; 0 with `line`.
    public let column: Int
    public let reason: String
    /// Worth saying, but the file is valid (only `switchboard check` reports these).
    public let isWarning: Bool

    public init(file: String, line: Int, column: Int, reason: String, isWarning: Bool = false) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        self.isWarning = isWarning
    }

    /// `FILE:LINE:COLUMN: error: REASON`, as compilers write it, so editors can jump to it.
    public var description: String {
        let kind = isWarning ? "warning" : "error"
        return line > 0 ? "\(file):\(line):\(column): \(kind): \(reason)" : "\(file): \(kind): \(reason)"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.reason) < (rhs.file, rhs.line, rhs.column, rhs.reason)
    }
}

/// Every problem found in a workflow file, sorted by position: a file is refused as a whole.
public struct WorkflowErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public let problems: [WorkflowProblem]

    public init(_ problems: [WorkflowProblem]) {
        self.problems = Array(Set(problems)).sorted()
    }

    /// One problem per line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
