/// SASL SCRAM-SHA-1 (RFC 5802) for the client, without channel binding (gs2 header `n,,`).
///
/// Besides proving the password, it makes the server prove it: `verifySuccess(_:)` (or the
/// challenge carrying the server-final message) throws unless the server's `v=` signature matches.
/// The password is used as UTF-8 without SASLprep (RFC 4013); ASCII passwords, for which
/// SASLprep changes nothing, are exact.
public struct SCRAMSHA1Mechanism: SASLMechanism, CustomReflectable {
    public static let name = "SCRAM-SHA-1"
    /// RFC 5802 §5.1: fewer iterations than this are too weak to accept.
    public static let minimumIterations = 4096
    /// The default cap on iterations: each costs the client an HMAC, so a huge count stalls it.
    public static let defaultMaximumIterations = 100_000

    /// `n`: the client does not do channel binding; the two empty fields: no authorization identity.
    private static let gs2Header = "n,,"

    private enum State {
        case initial
        case sentClientFirst(clientFirstBare: String, clientNonce: String)
        case sentClientFinal(expectedServerSignature: [UInt8])
        case verified
        case failed
    }

    private let username: String
    /// Dropped as soon as the salted password is derived, so a later copy or failure cannot expose it.
    private var password: String?
    private let injectedNonce: String?
    private let allowedIterations: ClosedRange<Int>
    private var state = State.initial

    /// `clientNonce` is for tests (RFC 5802's vector); otherwise 24 secure random bytes, base64.
    /// A `maximumIterations` below the minimum counts as the minimum.
    public init(
        username: String, password: String, clientNonce: String? = nil,
        maximumIterations: Int = defaultMaximumIterations
    ) {
        self.username = username
        self.password = password
        self.injectedNonce = clientNonce
        self.allowedIterations = Self.minimumIterations...max(Self.minimumIterations, maximumIterations)
    }

    /// The client-first message: `n,,n=USERNAME,r=NONCE`.
    public mutating func initialResponse() throws(SASLError) -> [UInt8] {
        try advance { mechanism throws(SASLError) in try mechanism.clientFirst() }
    }

    /// Answers the server-first message with the client-final one; a later challenge carries
    /// the server-final message (RFC 6120 §6.3.10 lets servers send it so), answered empty.
    public mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        try advance { mechanism throws(SASLError) in
            switch mechanism.state {
            case .sentClientFirst(let clientFirstBare, let clientNonce):
                return try mechanism.clientFinal(
                    serverFirst: challenge, clientFirstBare: clientFirstBare, clientNonce: clientNonce
                )
            case .sentClientFinal(let expected):
                try mechanism.verify(serverFinal: challenge, expected: expected)
                return []
            case .initial, .verified, .failed:
                throw .unexpectedServerMessage("a challenge at this step of SCRAM-SHA-1")
            }
        }
    }

    /// Verifies the server-final message carried by `<success>`, unless a challenge already did.
    public mutating func verifySuccess(_ additionalData: [UInt8]?) throws(SASLError) {
        try advance { mechanism throws(SASLError) in
            switch mechanism.state {
            case .sentClientFinal(let expected):
                guard let serverFinal = additionalData, !serverFinal.isEmpty else { throw .missingServerProof }
                try mechanism.verify(serverFinal: serverFinal, expected: expected)
            case .verified:
                guard additionalData?.isEmpty ?? true else {
                    throw .unexpectedServerMessage("a second server-final message")
                }
            case .initial, .sentClientFirst, .failed:
                throw .missingServerProof
            }
        }
    }

    // `dump` and debuggers would otherwise show the password and the nonce.
    public var customMirror: Mirror { Mirror(self, children: ["username": username]) }

    /// Runs one step; any failure is final, as RFC 5802 allows no retry within an exchange.
    private mutating func advance<Result>(
        _ step: (inout Self) throws(SASLError) -> Result
    ) throws(SASLError) -> Result {
        if case .failed = state { throw .unexpectedServerMessage("the SCRAM-SHA-1 exchange already failed") }
        do throws(SASLError) {
            return try step(&self)
        } catch {
            state = .failed
            password = nil
            throw error
        }
    }

    private mutating func clientFirst() throws(SASLError) -> [UInt8] {
        guard case .initial = state else { throw .unexpectedServerMessage("SCRAM-SHA-1 starts once") }
        guard !username.isEmpty, !username.utf8.contains(0) else {
            throw .invalidCredentials("the username is empty or contains NUL")
        }
        let nonce: String
        if let injectedNonce {
            guard SCRAMMessage.isValidNonce(injectedNonce) else { throw .invalidClientNonce }
            nonce = injectedNonce
        } else {
            nonce = Base64.encode(try crypto { () throws(CryptoError) in try SecureRandom.bytes(count: 24) })
        }
        let clientFirstBare = "n=\(SCRAMMessage.escape(username: username)),r=\(nonce)"
        state = .sentClientFirst(clientFirstBare: clientFirstBare, clientNonce: nonce)
        return Array((Self.gs2Header + clientFirstBare).utf8)
    }

    private mutating func clientFinal(
        serverFirst bytes: [UInt8], clientFirstBare: String, clientNonce: String
    ) throws(SASLError) -> [UInt8] {
        let serverFirst = try SCRAMMessage(parsing: bytes, what: "server-first")
        if let error = serverFirst["e"] { throw .serverError(String(error.prefix(200))) }
        guard serverFirst["m"] == nil else {
            throw .malformedServerMessage("the server-first message has a mandatory extension (m=) we do not know")
        }
        guard let nonce = serverFirst["r"] else {
            throw .malformedServerMessage("the server-first message has no nonce (r=)")
        }
        guard nonce.hasPrefix(clientNonce), nonce.utf8.count > clientNonce.utf8.count else { throw .nonceMismatch }
        guard SCRAMMessage.isValidNonce(nonce) else {
            throw .malformedServerMessage("the server nonce is not printable ASCII")
        }
        guard let saltText = serverFirst["s"], let salt = Base64.decode(saltText), !salt.isEmpty else {
            throw .malformedServerMessage("the server-first message has no base64 salt (s=)")
        }
        guard let countText = serverFirst["i"], !countText.isEmpty,
              countText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw .malformedServerMessage("the server-first message has no decimal iteration count (i=)")
        }
        // A count too long for Int is as out of range as one that fits.
        guard let iterations = Int(countText), allowedIterations.contains(iterations) else {
            throw .iterationCountOutOfRange(String(countText.prefix(20)), allowed: allowedIterations)
        }
        guard let password else { throw .unexpectedServerMessage("a second server-first message") }
        self.password = nil

        let saltedPassword = try crypto { () throws(CryptoError) in
            try PBKDF2.sha1(password: Array(password.utf8), salt: salt, iterations: iterations)
        }
        let withoutProof = "c=\(Base64.encode(Self.gs2Header.utf8)),r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst.text),\(withoutProof)".utf8)
        let (proof, serverSignature) = try crypto { () throws(CryptoError) in
            let clientKey = try HMAC.sha1(key: saltedPassword, message: Array("Client Key".utf8))
            let clientSignature = try HMAC.sha1(key: Digest.sha1(clientKey), message: authMessage)
            let serverKey = try HMAC.sha1(key: saltedPassword, message: Array("Server Key".utf8))
            return (
                zip(clientKey, clientSignature).map { $0 ^ $1 },
                try HMAC.sha1(key: serverKey, message: authMessage)
            )
        }
        state = .sentClientFinal(expectedServerSignature: serverSignature)
        return Array("\(withoutProof),p=\(Base64.encode(proof))".utf8)
    }

    private mutating func verify(serverFinal bytes: [UInt8], expected: [UInt8]) throws(SASLError) {
        let serverFinal = try SCRAMMessage(parsing: bytes, what: "server-final")
        if let error = serverFinal["e"] { throw .serverError(String(error.prefix(200))) }
        guard let verifier = serverFinal["v"] else {
            throw .malformedServerMessage("the server-final message has no verifier (v=)")
        }
        guard let signature = Base64.decode(verifier) else {
            throw .malformedServerMessage("the server-final verifier is not base64")
        }
        guard HMAC.equal(signature, expected) else { throw .serverSignatureMismatch }
        state = .verified
    }

    private func crypto<Result>(_ body: () throws(CryptoError) -> Result) throws(SASLError) -> Result {
        do throws(CryptoError) {
            return try body()
        } catch {
            throw .crypto(error)
        }
    }
}
