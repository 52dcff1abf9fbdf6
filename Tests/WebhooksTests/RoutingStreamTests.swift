import RoutingSchema
import Testing
@testable import Webhooks
import Workflow

/// The webhook events and the routing events they are delivered from agree: every webhook event
/// a workflow may subscribe to comes from a routing event some router writes.
@Suite struct RoutingStreamTests {
    @Test func everyWebhookEventHasItsRoutingEvent() {
        let delivered = Set(RoutingEvent.allCases.compactMap { RoutingStream.webhookEvent(type: $0.rawValue) })
        #expect(delivered == Set(WebhookEvent.allCases))
        #expect(RoutingStream.webhookEvent(type: RoutingEvent.rated.rawValue) == .chatRated)
        #expect(RoutingStream.webhookEvent(type: "nonsense") == nil)
    }
}
