import Testing
@testable import Webhooks
import Workflow

/// The signature recipe as the README gives it, and the retry schedule.
@Suite struct WebhookSignatureTests {
    @Test func matchesTheREADMEsOpenSSLExample() {
        // printf '%s.%s' 1764956420 '{"chat":"42","event":"chat.closed"}' | openssl dgst -sha256 -hmac 'the webhook secret'
        let body = Array(#"{"chat":"42","event":"chat.closed"}"#.utf8)
        let signature = WebhookSignature.sign(secret: "the webhook secret", timestamp: 1_764_956_420, body: body)
        #expect(signature == "sha256=7cf2eed15e6ee4a55a0e542e02ce84a8ea23edcafb961baf76d1952388175ce4")
        #expect(WebhookSignature.verify(signature, secret: "the webhook secret", timestamp: 1_764_956_420, body: body))
        #expect(!WebhookSignature.verify(signature, secret: "the webhook secret", timestamp: 1_764_956_421, body: body))
        #expect(!WebhookSignature.verify(signature, secret: "another secret", timestamp: 1_764_956_420, body: body))
        #expect(!WebhookSignature.verify(signature, secret: "the webhook secret", timestamp: 1_764_956_420, body: body + [0x20]))
    }

    @Test func retriesDoubleUpToTheCapAndEndAtTheDeadline() {
        let policy = RetryPolicy(retryFor: .seconds(10), firstDelay: .milliseconds(500), maxDelay: .seconds(3))
        let first: Int64 = 1_000_000
        #expect(policy.nextTry(attempts: 1, firstFailure: first, now: first) == first + 500)
        #expect(policy.nextTry(attempts: 2, firstFailure: first, now: first + 500) == first + 1500)
        #expect(policy.nextTry(attempts: 3, firstFailure: first, now: first + 1500) == first + 3500)
        #expect(policy.nextTry(attempts: 4, firstFailure: first, now: first + 3500) == first + 6500, "capped at 3 s")
        #expect(policy.nextTry(attempts: 5, firstFailure: first, now: first + 9000) == first + 10_000, "a last try at the deadline")
        #expect(policy.nextTry(attempts: 6, firstFailure: first, now: first + 10_000) == nil)
        #expect(policy.nextTry(attempts: 1000, firstFailure: first, now: first + 1) == first + 3001, "no overflow")
        #expect(RetryPolicy().retryFor == .seconds(86_400))
    }

    @Test func streamIDsOrderAsRedisOrdersThem() throws {
        let ids = ["1-0", "1-1", "1-10", "2-0", "10-0"].compactMap(StreamID.init)
        #expect(ids.count == 5 && ids == ids.sorted())
        #expect(StreamID("x-1") == nil && StreamID("1") == nil)
        #expect(WebhookPayload.isoTime(1_800_000_000_007) == "2027-01-15T08:00:00.007Z")
    }
}
