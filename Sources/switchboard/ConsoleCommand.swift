import ArgumentParser
import Console
import Foundation
import Logging
import XMPP
import TLS

/// `switchboard console`: the agent's terminal client (full screen, or `--plain` lines).
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The agent console: a full-screen terminal client for agents and supervisors.",
        discussion: """
            Logs in to the XMPP server as the agent (STARTTLS, SCRAM-SHA-1), tells the service domain the \
            agent is available, and shows offers, chats, queues and keys on screen; it logs in again by itself \
            when the link drops. The password comes from --password-file, else $SB_PASSWORD, else a prompt \
            that does not echo. --plain prints events as lines and reads commands from standard input.
            """
    )

    private static let environment = ProcessInfo.processInfo.environment

    @Option(help: "The agent's JID, e.g. alice@localhost ($SB_AGENT_JID).")
    var jid: String?

    private var jidText: String? { jid ?? Self.environment["SB_AGENT_JID"] }

    @Option(help: "A file whose first line is the password.")
    var passwordFile: String?

    @Option(help: "The XMPP server's host (default: the JID's domain).")
    var host: String?

    @Option(help: "The XMPP server's client port.")
    var port: Int = 5222

    @Option(help: "The service domain of the router ($SB_DOMAIN).")
    var domain: String = environment["SB_DOMAIN"] ?? "support.localhost"

    @Option(help: "A PEM file of the CA (or self-signed certificate) to trust for the server.")
    var tlsCA: String?

    @Flag(help: "Do not verify the server's certificate (local self-signed servers only).")
    var insecureTLS = false

    @Flag(help: "Plain line mode for scripts and screen readers.")
    var plain = false

    @Option(help: "Write the console's log to this file (the full screen has no room for it).")
    var logFile: String?

    func validate() throws {
        guard jidText != nil else { throw ValidationError("--jid is required (or $SB_AGENT_JID)") }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
        if tlsCA != nil, insecureTLS { throw ValidationError("--tls-ca and --insecure-tls exclude each other") }
    }

    func run() async throws {
        let account: JID
        do { account = try JID(jidText ?? "") } catch { throw ValidationError("--jid: \(error)") }
        let service: JID
        do { service = try JID(domain: domain) } catch { throw ValidationError("--domain: \(error)") }
        let verification: TLSConfiguration.PeerVerification =
            insecureTLS ? .insecureNoVerification : tlsCA.map { .caFile($0) } ?? .systemTrustStore
        let tls = try TLSContext(.client(verification: verification))
        let password = try PasswordSource.password(file: passwordFile, account: account.bare.description)
        let configuration = ClientConfiguration(
            jid: account.resource == nil ? try account.with(resource: "console") : account, password: password, host: host,
            port: port, security: .startTLS(tls))
        let session = AgentSession(configuration: configuration, service: service, logger: try logger())
        let ending = plain ? await ConsoleApp.runPlain(session: session) : try await ConsoleApp.runFullScreen(session: session)
        if case .gaveUp(let reason) = ending {
            FileHandle.standardError.write(Data("switchboard console: \(reason)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Logs go to `--log-file` (standard error is sent there, so nothing stray draws over the
    /// screen); else to standard error in plain mode, nowhere on the full screen.
    private func logger() throws -> Logger {
        if let logFile {
            let descriptor = open(logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            guard descriptor >= 0 else { throw ValidationError("--log-file \(logFile): \(String(cString: strerror(errno)))") }
            dup2(descriptor, STDERR_FILENO)
            close(descriptor)
        }
        let enabled = logFile != nil || plain
        LoggingSystem.bootstrap { label in
            guard enabled else { return SwiftLogNoOpLogHandler() }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        return Logger(label: "switchboard.console")
    }
}
