@testable import Bench
import Logging
import Testing
import XMPP

/// What a fault-run XMPP visitor makes of the service's closing texts. (Not connected: only what
/// it received is fed in.)
@Suite struct FaultXMPPChannelTests {
    static func channel(ledger: FaultLedger, confirmations: Confirmations) throws -> FaultXMPPChannel {
        FaultXMPPChannel(
            ClientConfiguration(jid: try JID("fv1@localhost"), password: "unused", security: .plaintext),
            queue: try JID("sales@support.localhost"), confirmations: confirmations, ledger: ledger,
            logger: Logger(label: "fault-channel-test"))
    }

    static let goodbye = Stanza.message(Message(to: nil, type: .chat, body: "This chat has ended. Thank you for contacting us!"))

    /// A run saw a late copy of an `/end` close a visitor's next chat; the report only showed its
    /// first line lost. A closing text the visitor did not ask for now names itself.
    @Test func aClosingTextWithNoEndPendingIsABenchError() async throws {
        let ledger = FaultLedger(capacity: 1), confirmations = Confirmations()
        let channel = try Self.channel(ledger: ledger, confirmations: confirmations)
        try await channel.open(chat: 7)
        await channel.receive(Self.goodbye)
        #expect(!(await confirmations.isSettled("end:7")))
        let errors = ledger.snapshot.errors
        #expect(errors.count == 1 && errors.first?.contains("chat 7") == true, "\(errors)")

        // Once its end went (here it fails to: not connected), the goodbye closes the chat.
        try? await channel.end(chat: 7)
        await channel.receive(Self.goodbye)
        #expect(await confirmations.isSettled("end:7"))
        #expect(ledger.snapshot.errors.count == 1)
    }

    @Test func everyAttemptAtOneChatsEndCarriesOneID() {
        #expect(FaultXMPPChannel.endID(chat: 42) == "end-42")
        #expect(FaultXMPPChannel.endID(chat: 42) != FaultXMPPChannel.endID(chat: 43))
    }
}
