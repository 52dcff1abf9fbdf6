import ArgumentParser
import Logging

/// `--log-level`, shared by the long-running subcommands.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Least severe log level to print: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Sets up swift-log (once per process) and returns the logger for `label`.
    func logger(_ label: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        return Logger(label: label)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
