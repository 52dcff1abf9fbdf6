import AgentProtocol
import Logging
import XMPP

/// Offers and visitor lines the XMPP server sent back after this router counted them as taken
/// (`XMPPComponent.handLateBounces`). With several routers on ejabberd the error for a stanza can
/// reach another router's link, and be handed over only after the answer to the ping behind it
/// was read here: the offer counted as told, the line as passed on, and the agent, whose session
/// was gone (around an XMPP server's restart), never had them. Each is made owed again in Redis
/// (`sentBackLate-4.lua`), and a sweep tells the offer again or passes the lines on.
struct LateBounces: Sendable {
    let store: RoutingStore
    let logger: Logger
    private let bounces: AsyncStream<LateBounce>
    /// Bounces waiting while Redis is slow; past this many the newest are dropped, and logged.
    static let bufferLimit = 10_000
    /// The pauses before trying again a bounce whose offer or line its sender has not yet marked
    /// (it reads the bounce within milliseconds of its own answer) or another sender holds, or
    /// when Redis did not answer: past the longest hold, the right to announce (10 s), and about
    /// as long as a Sentinel failover stalls writes (~12 s).
    static let pauses: [Duration] = [.milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(5), .seconds(5)]

    init(component: XMPPComponent, store: RoutingStore, logger: Logger) {
        let (bounces, continuation) = AsyncStream.makeStream(of: LateBounce.self, bufferingPolicy: .bufferingOldest(Self.bufferLimit))
        component.handLateBounces { bounce in
            if case .dropped = continuation.yield(bounce) {
                logger.error("too many stanzas sent back late at once: one is lost", metadata: ["id": "\(bounce.id)"])
            }
        }
        self.store = store
        self.logger = logger
        self.bounces = bounces
    }

    /// Takes every late bounce, each in a task of its own, until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await bounce in bounces {
                group.addTask { await self.take(bounce) }
            }
        }
    }

    func take(_ bounce: LateBounce) async {
        // Only what went to an agent is owed again: an offer, known by its id, or a line, by the
        // chat's address it came from; anything else was neither.
        guard let agent = bounce.to.flatMap({ try? JID($0) })?.bare.description else { return }
        let chat: String
        let oweAgain: () async throws -> RoutingStore.SentBackLate
        if let history = RelayedLineID.historyParts(bounce.id) {
            chat = history.chat
            oweAgain = { try await store.sentBackLate(offerOf: history.chat, given: history.given, to: agent) }
        } else if RelayedLineID.isRelayedLine(bounce.id), let local = bounce.from.flatMap({ try? JID($0) })?.local,
                  case .chat(let id) = ChatAddress(local: local) {
            chat = id
            oweAgain = { try await store.sentBackLate(line: bounce.id, of: id, to: agent) }
        } else {
            return
        }
        let metadata: Logger.Metadata = ["chat": "\(chat)", "agent": "\(agent)", "id": "\(bounce.id)"]
        for pause in Self.pauses + [nil] {
            do {
                let outcome = try await oweAgain()
                switch outcome {
                case .owedAgain:
                    logger.warning("the XMPP server sent back what counted as taken; it is owed to the agent again", metadata: metadata)
                    return
                case .nothing:
                    return
                case .notYet:
                    guard let pause else {
                        logger.error("what was sent back late stayed held by a sender; not owed again", metadata: metadata)
                        return
                    }
                    try await Task.sleep(for: pause)
                }
            } catch is CancellationError {
                return
            } catch {
                // Redis away (a failover): tried again, the script is safe to run twice.
                guard let pause else {
                    logger.error("cannot make what was sent back late owed again: \(error)", metadata: metadata)
                    return
                }
                logger.warning("cannot make what was sent back late owed again yet: \(error)", metadata: metadata)
                do { try await Task.sleep(for: pause) } catch { return }
            }
        }
    }
}
