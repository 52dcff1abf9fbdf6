import FuzzDriver
import Workflow

// Parses a workflow duration (`1h30m`, `500ms`, `45`). What parses must print as workflow text
// that parses back to the same duration.
fuzz { input in
    guard let duration = try? Duration(workflowText: input.text) else { return }
    guard (try? Duration(workflowText: duration.workflowText)) == duration else {
        fatalError("duration '\(input.text)' prints as '\(duration.workflowText)', which reads back differently")
    }
}
