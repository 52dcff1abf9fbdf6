import ArgumentParser

/// The `switchboard` command line: one executable, a subcommand per part.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Customer-support live-chat routing over XMPP and Redis.",
        subcommands: [
            RouterCommand.self, WebCommand.self, ConsoleCommand.self, StatsCommand.self, CheckCommand.self, BenchCommand.self,
            BenchFloorCommand.self, WebhooksCommand.self, AuditCommand.self, ForgetCommand.self,
        ]
    )
}
