import Testing
import XMPP

/// SCRAM-SHA-1 against RFC 5802's example exchange, and every server misbehaviour it must refuse.
@Suite struct SCRAMSHA1MechanismTests {
    static let clientNonce = "fyko+d2lbbFgONRv9qkxdawL"
    static let serverFirst = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"
    static let clientFinal = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
    static let serverFinal = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="

    /// RFC 5802's mechanism, having answered the server-first message.
    func awaitingServerFinal() throws -> SCRAMSHA1Mechanism {
        var mechanism = SCRAMSHA1Mechanism(username: "user", password: "pencil", clientNonce: Self.clientNonce)
        _ = try mechanism.initialResponse()
        _ = try mechanism.respond(to: Array(Self.serverFirst.utf8))
        return mechanism
    }

    /// The error the RFC mechanism throws for `serverFirst`, or nil.
    func errorForServerFirst(_ serverFirst: String) throws -> SASLError? {
        var mechanism = SCRAMSHA1Mechanism(username: "user", password: "pencil", clientNonce: Self.clientNonce)
        _ = try mechanism.initialResponse()
        do {
            _ = try mechanism.respond(to: Array(serverFirst.utf8))
            return nil
        } catch {
            #expect(!error.description.contains("pencil"))
            return error
        }
    }

    @Test func followsRFC5802Example() throws {
        var mechanism = SCRAMSHA1Mechanism(username: "user", password: "pencil", clientNonce: Self.clientNonce)
        #expect(mechanism.name == "SCRAM-SHA-1")
        #expect(String(decoding: try mechanism.initialResponse(), as: UTF8.self) == "n,,n=user,r=\(Self.clientNonce)")
        let final = try mechanism.respond(to: Array(Self.serverFirst.utf8))
        #expect(String(decoding: final, as: UTF8.self) == Self.clientFinal)
        try mechanism.verifySuccess(Array(Self.serverFinal.utf8))
    }

    @Test func acceptsServerFinalInAChallengeThenAnEmptySuccess() throws {
        var mechanism = try awaitingServerFinal()
        #expect(try mechanism.respond(to: Array(Self.serverFinal.utf8)).isEmpty)
        try mechanism.verifySuccess(nil)
    }

    @Test func rejectsWrongServerSignature() throws {
        var mechanism = try awaitingServerFinal()
        #expect(throws: SASLError.serverSignatureMismatch) {
            try mechanism.verifySuccess(Array("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=".utf8))
        }
        // The exchange is over once it failed.
        #expect(throws: SASLError.self) { try mechanism.verifySuccess(Array(Self.serverFinal.utf8)) }
    }

    @Test func rejectsSuccessWithoutServerFinal() throws {
        var mechanism = try awaitingServerFinal()
        #expect(throws: SASLError.missingServerProof) { try mechanism.verifySuccess(nil) }
        var early = SCRAMSHA1Mechanism(username: "user", password: "pencil")
        _ = try early.initialResponse()
        #expect(throws: SASLError.missingServerProof) { try early.verifySuccess([]) }
    }

    @Test func reportsServerErrors() throws {
        var mechanism = try awaitingServerFinal()
        #expect(throws: SASLError.serverError("invalid-proof")) {
            try mechanism.verifySuccess(Array("e=invalid-proof".utf8))
        }
        #expect(try errorForServerFirst("e=unknown-user") == .serverError("unknown-user"))
    }

    @Test(arguments: [
        "r=someoneElsesNonce3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
        // Our nonce alone: the server added none of its own.
        "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",
    ])
    func rejectsNonceNotExtendingOurs(serverFirst: String) throws {
        #expect(try errorForServerFirst(serverFirst) == .nonceMismatch)
    }

    @Test(arguments: ["0", "1024", "4095", "100001", "99999999999999999999999999"])
    func rejectsIterationCountsOutOfRange(count: String) throws {
        let serverFirst = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=\(count)"
        // The error quotes at most 20 digits: a server could send megabytes of them.
        let expected = SASLError.iterationCountOutOfRange(String(count.prefix(20)), allowed: 4096...100_000)
        #expect(try errorForServerFirst(serverFirst) == expected)
    }

    @Test(arguments: [
        "",
        "hello",
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=not*base64,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92",
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=-4096",
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,i=4096",
        "m=must-understand,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
        "s=QSXCR+Q6sek8bf92,i=4096",
    ])
    func rejectsMalformedServerFirst(serverFirst: String) throws {
        let error = try errorForServerFirst(serverFirst)
        guard case .malformedServerMessage = error else {
            Issue.record("expected a malformed-message error, got \(String(describing: error))")
            return
        }
    }

    @Test func rejectsMalformedServerFinal() throws {
        for serverFinal in ["x=1", "v=***", "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,v=rmF9pqV8S7suAoZWja4dJRkFsKQ="] {
            var mechanism = try awaitingServerFinal()
            #expect(throws: SASLError.self) { try mechanism.verifySuccess(Array(serverFinal.utf8)) }
        }
    }

    @Test func acceptsACustomIterationCap() throws {
        var mechanism = SCRAMSHA1Mechanism(
            username: "user", password: "pencil", clientNonce: Self.clientNonce, maximumIterations: 4096
        )
        _ = try mechanism.initialResponse()
        #expect(throws: SASLError.iterationCountOutOfRange("4097", allowed: 4096...4096)) {
            try mechanism.respond(to: Array("r=\(Self.clientNonce)x,s=QSXCR+Q6sek8bf92,i=4097".utf8))
        }
    }

    @Test func escapesEqualsAndCommaInUsername() throws {
        var mechanism = SCRAMSHA1Mechanism(username: "a=b,c", password: "p", clientNonce: "abc")
        #expect(String(decoding: try mechanism.initialResponse(), as: UTF8.self) == "n,,n=a=3Db=2Cc,r=abc")
    }

    @Test func generatesAFreshRandomNonce() throws {
        var first = SCRAMSHA1Mechanism(username: "user", password: "pencil")
        var second = SCRAMSHA1Mechanism(username: "user", password: "pencil")
        let firstMessage = String(decoding: try first.initialResponse(), as: UTF8.self)
        let secondMessage = String(decoding: try second.initialResponse(), as: UTF8.self)
        #expect(firstMessage.hasPrefix("n,,n=user,r="))
        #expect(firstMessage.count == "n,,n=user,r=".count + 32)
        #expect(firstMessage != secondMessage)
    }

    @Test func rejectsAnInvalidInjectedNonce() {
        var mechanism = SCRAMSHA1Mechanism(username: "user", password: "pencil", clientNonce: "has,comma")
        #expect(throws: SASLError.invalidClientNonce) { try mechanism.initialResponse() }
    }

    @Test func neverShowsThePassword() throws {
        let mechanism = try awaitingServerFinal()
        var dumped = ""
        dump(mechanism, to: &dumped)
        for text in [String(describing: mechanism), String(reflecting: mechanism), dumped] {
            #expect(!text.contains("pencil"))
        }
        #expect(String(describing: mechanism) == "SCRAM-SHA-1")
    }
}
