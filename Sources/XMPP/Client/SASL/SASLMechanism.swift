/// A client-side SASL mechanism (RFC 4422): a value-type state machine that turns the server's
/// messages into the client's, with no I/O of its own.
///
/// The c2s negotiation drives it: `initialResponse()` goes in `<auth mechanism='NAME'>` (base64;
/// XMPP writes an empty response as `=`), each `<challenge>` goes through `respond(to:)` and its
/// answer back in `<response>`, and `<success>` (with its data, if any) goes to `verifySuccess(_:)`,
/// which must not throw before the session counts as authenticated.
public protocol SASLMechanism: Sendable, CustomStringConvertible {
    /// The IANA mechanism name, as offered in `<mechanisms>`.
    static var name: String { get }

    /// The client's first message.
    mutating func initialResponse() throws(SASLError) -> [UInt8]

    /// The client's answer to a server challenge.
    mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8]

    /// Checks the server's success message; throws when the server has not proven itself.
    mutating func verifySuccess(_ additionalData: [UInt8]?) throws(SASLError)
}

extension SASLMechanism {
    /// The IANA mechanism name.
    public var name: String { Self.name }

    // Credentials must never reach logs: describe a mechanism by its name only.
    public var description: String { Self.name }
}
