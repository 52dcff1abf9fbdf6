import FuzzDriver
import Workflow

// Loads workflow text as `switchboard check` and a reload (SIGHUP) do, with a fixed environment
// so `${NAME}` substitution is reached; a workflow that loads is described as the router logs it.
let environment = ["SB_COMPONENT_SECRET": "s3cret", "SB_COMPONENT_PORT": "5347", "SB_EMPTY": ""]
fuzz { input in
    if let workflow = try? Workflow.parse(yaml: input.text, environment: environment) {
        _ = String(describing: workflow)
    }
}
