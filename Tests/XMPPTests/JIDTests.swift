import Testing
import XMPP

@Suite struct JIDTests {
    @Test(arguments: [
        ("alice@localhost", "alice", "localhost", nil),
        ("Alice@LocalHost/Work Phone", "alice", "localhost", "Work Phone"),
        ("support.localhost", nil, "support.localhost", nil),
        ("sales@support.localhost", "sales", "support.localhost", nil),
        ("a@b/c/d@e", "a", "b", "c/d@e"),
        ("domain.example./r", nil, "domain.example", "r"),
        ("ünïcode@exämple.com", "ünïcode", "exämple.com", nil),
        ("x@[::1]", "x", "[::1]", nil),
        ("chat-42@support.localhost/🙂", "chat-42", "support.localhost", "🙂"),
    ] as [(String, String?, String, String?)])
    func parsesValidAddresses(text: String, local: String?, domain: String, resource: String?) throws {
        let jid = try JID(text)
        #expect(jid.local == local)
        #expect(jid.domain == domain)
        #expect(jid.resource == resource)
    }

    @Test(arguments: [
        "", "@localhost", "alice@", "alice@localhost/", "/resource", "a b@localhost", "a\"b@localhost",
        "a<b@localhost", "a:b@localhost", "a&b@localhost", "alice@local host", "alice@-bad.example",
        "alice@bad..example", "alice@[zz]", "alice@localhost/\u{7}", "a\u{0}b@localhost",
        String(repeating: "a", count: 1024) + "@localhost", "a@" + String(repeating: "b", count: 64) + ".com",
        "a@localhost/" + String(repeating: "r", count: 1024), "a\u{7F}b@localhost", "a@localhost/r\u{7F}", "a@lo\u{7F}calhost",
    ])
    func refusesInvalidAddresses(text: String) {
        #expect(throws: JIDError.self) { try JID(text) }
    }

    @Test func explainsWhatIsWrong() {
        #expect(throws: JIDError.self) { try JID("alice@") }
        do {
            _ = try JID("a<b@localhost")
        } catch {
            #expect(error.description == "the local part of the address may not contain U+3C")
        }
    }

    @Test func comparesCaseInsensitivelyExceptTheResource() throws {
        #expect(try JID("ALICE@LOCALHOST") == JID("alice@localhost"))
        #expect(try JID("alice@localhost/A") != JID("alice@localhost/a"))
        #expect(try JID("alice@localhost/phone").bare == JID("alice@localhost"))
        #expect(try JID("alice@localhost").with(resource: "x").description == "alice@localhost/x")
        #expect(try JID("Alice@LOCALHOST/Phone").description == "alice@localhost/Phone")
    }
}
