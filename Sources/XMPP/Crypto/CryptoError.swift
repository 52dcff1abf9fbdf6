/// Why a libcrypto operation failed, with OpenSSL's own reason.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// OpenSSL returned a failure; `reason` is its error queue (`error:…` strings) at that moment.
    case openSSLFailure(operation: String, reason: String)
    /// The arguments cannot be handed to OpenSSL (a count out of `Int32` range, a zero length).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .openSSLFailure(let operation, let reason): "\(operation) failed: \(reason)"
        case .invalidArgument(let what): "invalid argument: \(what)"
        }
    }
}
