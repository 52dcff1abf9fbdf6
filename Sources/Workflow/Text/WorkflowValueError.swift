/// Why a piece of workflow text (a duration, a template, business hours, a `${NAME}`) is not valid.
///
/// The loader turns it into a `WorkflowProblem` at the place the text came from.
public struct WorkflowValueError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
