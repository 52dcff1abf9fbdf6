import Foundation
import Logging
import Reconnect
import Synchronization
import XMPP

/// What the agent's link to the XMPP server reports.
public enum SessionEvent: Sendable {
    case connecting
    /// Logged in and presence sent; `isSupervisor` from the router's command list.
    case online(isSupervisor: Bool)
    /// Lost or refused; the next attempt is at `retry`, or never when retrying cannot help
    /// (the password was refused, or another login replaced this one).
    case offline(reason: String, retry: Date?)
    case stanza(Stanza)
}

/// Why a console command did not get through.
public enum SessionError: Error, CustomStringConvertible {
    case offline
    case refused(String)

    public var description: String {
        switch self {
        case .offline: "not connected"
        case .refused(let text): text
        }
    }
}

/// The agent's XMPP session: logs in (STARTTLS, SCRAM-SHA-1), tells the service domain its
/// availability, logs in again with backoff when the link drops, and runs the router's ad-hoc
/// commands (XEP-0050).
public final class AgentSession: Sendable {
    public let configuration: ClientConfiguration
    public let service: JID
    private let backoff: Backoff
    let logger: Logger
    private let client = Mutex<XMPPClient?>(nil)
    private let availability = Mutex(AgentAvailability.available)

    public init(configuration: ClientConfiguration, service: JID, backoff: Backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(15)),
                logger: Logger) {
        self.configuration = configuration
        self.service = service
        self.backoff = backoff
        self.logger = logger
    }

    /// Connects and reconnects until cancelled, reporting to `report`; returns why it gave up
    /// (a refused login, an untrusted certificate), or nil when cancelled.
    @discardableResult
    public func run(_ report: @escaping @Sendable (SessionEvent) -> Void) async -> String? {
        var failures = 0
        var finalReason: String?
        while !Task.isCancelled {
            report(.connecting)
            do {
                let connected = try await XMPPClient.connect(configuration, logger: logger)
                client.withLock { $0 = connected }
                try await connected.send(Presence())
                try await sendAvailability(on: connected)
                let isSupervisor = (try? await commands(at: service, on: connected))?.contains("agents") ?? false
                failures = 0
                report(.online(isSupervisor: isSupervisor))
                for try await stanza in connected.stanzas {
                    // The router shows its presence when it joins the XMPP server and probes the
                    // agents: it may have missed ours (it was away), so say it again.
                    if case .presence(let presence) = stanza, presence.type == .available, presence.from?.bare == service {
                        try await sendAvailability(on: connected)
                    }
                    report(.stanza(stanza))
                }
                if Task.isCancelled { break }  // quitting: logged out below
                throw ClientError.closed
            } catch {
                if Task.isCancelled { break }
                client.withLock { $0 = nil }
                if Self.isFinal(error) {
                    logger.error("not logging in again: \(error)")
                    finalReason = Self.reason(error)
                    report(.offline(reason: Self.reason(error), retry: nil))
                    break
                }
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                logger.warning("link lost: \(error)", metadata: ["retry": "\(delay)"])
                report(.offline(reason: Self.reason(error), retry: Date().addingTimeInterval(delay.seconds)))
                try? await Task.sleep(for: delay)
            }
        }
        await close()
        return finalReason
    }

    /// Logs out: unavailable presence, then the stream closes.
    public func close() async {
        guard let connected = client.withLock({ value in defer { value = nil }; return value }) else { return }
        logger.info("logging out")
        try? await connected.send(Presence(type: .unavailable))
        await connected.close()
        logger.info("logged out")
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case ClientError.closed: "the server closed the connection"
        case ClientError.streamError(let error) where error.condition == .conflict: "replaced by another login of this account"
        case ClientError.authenticationFailed(let condition, _): "the server refused the login (\(condition))"
        case ClientError.certificateRefused(let verdict):
            "the server's certificate was refused (\(verdict)): pass --tls-ca with its CA or certificate file "
                + "(Scripts/services: .run/services/certs/localhost.crt)"
        default: "\(error)"
        }
    }

    /// Errors that the same attempt would meet again: a refused password, another login that
    /// took over (two consoles would take turns throwing each other out), a certificate this
    /// console does not trust (the server will present it again).
    private static func isFinal(_ error: any Error) -> Bool {
        switch error {
        case ClientError.authenticationFailed, ClientError.noAcceptableMechanism, ClientError.certificateRefused: true
        case ClientError.streamError(let error): error.condition == .conflict
        default: false
        }
    }

    /// Sends a stanza now; throws when offline.
    public func send(_ stanza: some StanzaElement) async throws {
        guard let connected = client.withLock({ $0 }) else { throw SessionError.offline }
        try await connected.send(stanza)
    }

    /// Tells the router the agent's availability (directed presence to the service domain).
    public func setAvailability(_ value: AgentAvailability) async throws {
        availability.withLock { $0 = value }
        guard let connected = client.withLock({ $0 }) else { throw SessionError.offline }
        try await sendAvailability(on: connected)
    }

    private func sendAvailability(on connected: XMPPClient) async throws {
        let show: Presence.Show? = switch availability.withLock({ $0 }) {
        case .available: nil
        case .away: .away
        case .dnd: .dnd
        }
        try await connected.send(Presence(to: service, show: show))
    }

    /// The ad-hoc command nodes an address offers this account.
    private func commands(at address: JID, on connected: XMPPClient) async throws -> [String] {
        var query = XMLElement("query", namespace: Namespace.discoItems)
        query[attribute: "node"] = Namespace.commands
        let result = try await connected.request(IQ(type: .get, id: connected.nextID(), to: address, payload: query))
        return result.payload?.elements.compactMap { $0[attribute: "node"] } ?? []
    }

    /// Runs an ad-hoc command with its fields filled in; returns what the router said.
    public func execute(_ node: String, at address: JID, fields: [String: String] = [:]) async throws -> CommandAnswer {
        guard let connected = client.withLock({ $0 }) else { throw SessionError.offline }
        var command = XMLElement("command", namespace: Namespace.commands, attributes: [
            XMLAttribute("node", node), XMLAttribute("action", "execute"),
        ])
        if !fields.isEmpty { command.append(DataForm.submission(fields)) }
        do {
            let result = try await connected.request(IQ(type: .set, id: connected.nextID(), to: address, payload: command))
            return CommandAnswer(result: result.payload)
        } catch let error as StanzaError {
            throw SessionError.refused(error.text ?? error.condition.rawValue)
        }
    }

    /// The choices a command's form offers for a field (transfer targets, canned reply keys
    /// with their texts), asked by running it without values.
    public func options(_ node: String, at address: JID, field: String) async throws -> [(value: String, label: String)] {
        guard let connected = client.withLock({ $0 }) else { throw SessionError.offline }
        let command = XMLElement("command", namespace: Namespace.commands, attributes: [
            XMLAttribute("node", node), XMLAttribute("action", "execute"),
        ])
        let result = try await connected.request(IQ(type: .set, id: connected.nextID(), to: address, payload: command))
        guard let form = result.payload?.child("x", namespace: Namespace.dataForms),
            let wanted = form.elements.first(where: { $0.name == "field" && $0[attribute: "var"] == field })
        else { return [] }
        return wanted.elements.filter { $0.name == "option" }.map { option in
            let value = option.child("value", namespace: Namespace.dataForms)?.text ?? ""
            return (value, option[attribute: "label"] ?? value)
        }
    }
}
