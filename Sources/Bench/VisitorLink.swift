import XMPP

/// How a bench visitor reaches Switchboard: the seam between the chat logic (`BenchVisitor`) and
/// the channel. XMPP visitors send chat messages to a queue's address (`XMPPVisitorLink`); web
/// visitors speak the widget's protocol over a WebSocket (`WebVisitorLink`). Either hands what
/// reaches the visitor to `BenchVisitor.received(body:in:)`.
protocol VisitorLink: Sendable {
    /// Makes ready for `visitor`'s next chat at `address`, before its first message is written.
    func prepare(chatAt address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws
    /// Sends `visitor`'s text to `address` (the queue on the router and the floor component,
    /// the agent on the direct path).
    func send(_ body: String, to address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws
    /// Ends `visitor`'s chat at `address`.
    func end(chatAt address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws
    /// Closes what is still open.
    func close() async
}

/// A visitor signed in to Prosody with Switchboard's XMPP client.
struct XMPPVisitorLink: VisitorLink {
    let client: XMPPClient

    /// Nothing to do: the session is signed in already.
    func prepare(chatAt address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws {}

    func send(_ body: String, to address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws {
        let message = Message(to: address, type: .chat, body: body)
        if address.domain == run.serviceDomain { run.measurements.link.sent(LinkFigures.Kind.line, message.element) }
        try await client.send(message)
    }

    func end(chatAt address: JID, from visitor: BenchVisitor, in run: PhaseRun) async throws {
        let message = Message(to: address, type: .chat, body: "/end")
        if address.domain == run.serviceDomain { run.measurements.link.sent(LinkFigures.Kind.notice, message.element) }
        try await client.send(message)
    }

    func close() async {
        await client.close()
    }
}
