/// SASL PLAIN (RFC 4616) with an empty authorization identity; it sends the password itself, so use it only over TLS.
public struct PlainMechanism: SASLMechanism, CustomReflectable {
    public static let name = "PLAIN"

    private let username: String
    private let password: String
    private var sentCredentials = false

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// `NUL username NUL password`, UTF-8.
    public mutating func initialResponse() throws(SASLError) -> [UInt8] {
        guard !sentCredentials else { throw .unexpectedServerMessage("PLAIN sends its credentials once") }
        // NUL separates the fields; one inside a field would shift them.
        guard !username.utf8.contains(0) else { throw .invalidCredentials("the username contains NUL") }
        guard !password.utf8.contains(0) else { throw .invalidCredentials("the password contains NUL") }
        guard !username.isEmpty else { throw .invalidCredentials("the username is empty") }
        sentCredentials = true
        return [0] + Array(username.utf8) + [0] + Array(password.utf8)
    }

    public mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        throw .unexpectedServerMessage("PLAIN has no challenges")
    }

    public mutating func verifySuccess(_ additionalData: [UInt8]?) throws(SASLError) {
        guard sentCredentials else { throw .unexpectedServerMessage("success before the credentials were sent") }
        guard additionalData?.isEmpty ?? true else {
            throw .unexpectedServerMessage("PLAIN's success carries no data")
        }
    }

    // `dump` and debuggers would otherwise show the password.
    public var customMirror: Mirror { Mirror(self, children: ["username": username]) }
}
