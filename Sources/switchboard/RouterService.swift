import Logging
import ServiceLifecycle
import XMPP

/// The router as a service. Routing itself arrives with the routing engine; until then the
/// router keeps its links up and refuses the requests it cannot serve yet.
struct RouterService: Service {
    let component: XMPPComponent
    let logger: Logger

    func run() async throws {
        await component.run { event in
            switch event {
            case .connected:
                logger.info("router ready", metadata: ["domain": "\(component.configuration.domain)"])
            case .stanza(.iq(let iq)) where iq.type == .get || iq.type == .set:
                component.send(iq.errorReply(StanzaError(.serviceUnavailable)))
            case .stanza, .disconnected:
                break
            }
        }
    }
}
