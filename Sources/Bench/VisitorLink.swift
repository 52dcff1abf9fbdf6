import XMPP

/// How a bench visitor reaches Switchboard: the seam between the chat logic (`BenchVisitor`) and
/// the channel. XMPP visitors send chat messages to a queue's address; a web-channel visitor
/// would implement this over the widget's WebSocket (sending the body as the widget does) and
/// feed what arrives to `BenchVisitor.received(body:)`, with a `BenchTarget` of its own.
protocol VisitorLink: Sendable {
    /// Sends a visitor's text to `address` (the queue on the router and the floor component,
    /// the agent on the direct path).
    func send(_ body: String, to address: JID) async throws
}

/// A visitor signed in to Prosody with Switchboard's XMPP client.
struct XMPPVisitorLink: VisitorLink {
    let client: XMPPClient

    func send(_ body: String, to address: JID) async throws {
        try await client.send(Message(to: address, type: .chat, body: body))
    }
}
