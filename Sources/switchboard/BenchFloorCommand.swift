import ArgumentParser
import Bench
import Foundation
import XMPP

/// `switchboard bench-floor`: the minimal forwarding component `switchboard bench` measures the
/// router against. Started by the bench, not by hand: hidden from the help.
struct BenchFloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-floor",
        abstract: "Relay visitors' messages to fixed agents and back, as an XMPP component (the bench's floor).",
        shouldDisplay: false
    )

    @Option(help: "The XMPP server's component port.")
    var port: Int
    @Option(help: "The component's domain.")
    var domain: String
    @Option(help: "Agents agent0…agentN-1 at the user domain.")
    var agents: Int
    @Option(help: "The domain of visitors and agents.")
    var userDomain = "localhost"
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        EventLoopExecutor.install()
        guard let secret = ProcessInfo.processInfo.environment["SB_COMPONENT_SECRET"], !secret.isEmpty else {
            throw ValidationError("the component secret comes from SB_COMPONENT_SECRET")
        }
        let logger = logging.logger("switchboard.bench-floor")
        let jids = try (0..<agents).map { try JID(local: BenchAccounts.agent($0), domain: userDomain) }
        let component = XMPPComponent(
            configuration: ComponentConfiguration(host: "127.0.0.1", port: port, domain: domain, secret: secret), logger: logger)
        await FloorComponent(component: component, agents: jids, userDomain: userDomain, logger: logger).run()
    }
}
