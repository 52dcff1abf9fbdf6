import Testing
@testable import XMPP

/// What a component remembers of the stanzas it lately counted as routed: bounded, oldest forgotten first.
@Suite struct LatelyRoutedTests {
    static func stanza(_ number: Int) -> LateBounce {
        LateBounce(id: "sb-\(number)", from: "chat-1@support.localhost", to: "agent1@localhost")
    }

    @Test func keepsTheNewestUpToItsLimitAndGivesEachOnce() {
        var lately = LatelyRouted(limit: 3)
        for number in 1...10 { lately.add(Self.stanza(number)) }
        #expect((1...7).allSatisfy { lately.take("sb-\($0)") == nil })
        #expect(lately.take("sb-9") == Self.stanza(9))
        #expect(lately.take("sb-9") == nil, "a bounce counts once")
        #expect(lately.take("sb-10") != nil)
        #expect(lately.take("sb-8") != nil)
    }

    @Test func staysBoundedOverManyAdds() {
        var lately = LatelyRouted(limit: 100)
        for number in 1...10_000 { lately.add(Self.stanza(number)) }
        #expect((1...9_900).allSatisfy { lately.take("sb-\($0)") == nil })
        #expect((9_901...10_000).allSatisfy { lately.take("sb-\($0)") != nil })
    }
}
