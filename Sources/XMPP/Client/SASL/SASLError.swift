/// Why SASL authentication failed on the client side. Never carries the password.
public enum SASLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with a SCRAM `e=` error (RFC 5802 §7), e.g. `invalid-proof`.
    case serverError(String)
    /// A server message does not follow the mechanism's grammar; says what is wrong with it.
    case malformedServerMessage(String)
    /// The server's nonce does not extend the client's, so the exchange may be replayed or mixed up.
    case nonceMismatch
    /// The server's PBKDF2 iteration count (as sent) is below RFC 5802's 4096 or above the
    /// client's cap (a huge count would stall the client: a cheap denial of service).
    case iterationCountOutOfRange(String, allowed: ClosedRange<Int>)
    /// The server's signature (`v=`) is not the one the password yields: it does not know the password.
    case serverSignatureMismatch
    /// The server reported success without its final message, so it never proved it knows the password.
    case missingServerProof
    /// A server message arrived that the mechanism does not expect at this step.
    case unexpectedServerMessage(String)
    /// The credentials cannot be encoded for this mechanism (says why, never what they are).
    case invalidCredentials(String)
    /// A nonce given for tests is not printable ASCII without commas.
    case invalidClientNonce
    /// A cryptographic primitive failed.
    case crypto(CryptoError)

    public var description: String {
        switch self {
        case .serverError(let value): "the server refused authentication: \(value)"
        case .malformedServerMessage(let why): "malformed server message: \(why)"
        case .nonceMismatch: "the server's nonce does not start with the client's nonce"
        case .iterationCountOutOfRange(let count, let allowed):
            "the server asked for \(count) iterations; accepted are \(allowed.lowerBound) to \(allowed.upperBound)"
        case .serverSignatureMismatch: "the server's signature is wrong: it does not know the password"
        case .missingServerProof: "the server reported success without proving it knows the password"
        case .unexpectedServerMessage(let what): "unexpected server message: \(what)"
        case .invalidCredentials(let why): "invalid credentials: \(why)"
        case .invalidClientNonce: "the client nonce must be printable ASCII without commas"
        case .crypto(let error): "cryptography failed: \(error)"
        }
    }
}
