import Testing
import XMPP

/// SASL PLAIN encoding (RFC 4616) and its refusals.
@Suite struct PlainMechanismTests {
    @Test func encodesEmptyAuthzidUsernameAndPassword() throws {
        var mechanism = PlainMechanism(username: "agent1", password: "pencil")
        #expect(mechanism.name == "PLAIN")
        #expect(try mechanism.initialResponse() == [0] + Array("agent1".utf8) + [0] + Array("pencil".utf8))
        try mechanism.verifySuccess(nil)
    }

    @Test func encodesUTF8() throws {
        var mechanism = PlainMechanism(username: "jürgen", password: "pässwörd")
        #expect(try mechanism.initialResponse() == [0] + Array("jürgen".utf8) + [0] + Array("pässwörd".utf8))
    }

    @Test func refusesNULInCredentialsWithoutShowingThem() {
        var mechanism = PlainMechanism(username: "agent1", password: "pen\0cil")
        #expect(throws: SASLError.invalidCredentials("the password contains NUL")) { try mechanism.initialResponse() }
    }

    @Test func refusesChallengesAndEarlySuccess() {
        var mechanism = PlainMechanism(username: "agent1", password: "pencil")
        #expect(throws: SASLError.self) { try mechanism.verifySuccess(nil) }
        #expect(throws: SASLError.self) { try mechanism.respond(to: Array("more?".utf8)) }
    }

    @Test func neverShowsThePassword() {
        let mechanism = PlainMechanism(username: "agent1", password: "pencil")
        var dumped = ""
        dump(mechanism, to: &dumped)
        for text in [String(describing: mechanism), String(reflecting: mechanism), dumped] {
            #expect(!text.contains("pencil"))
        }
    }
}
