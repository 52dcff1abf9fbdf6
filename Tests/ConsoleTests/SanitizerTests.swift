import Console
import Testing

/// Text from visitors can never drive the terminal: control characters become pictures.
@Suite struct SanitizerTests {
    @Test func escapesAreShownNotInterpreted() {
        let hostile = "\u{1B}[2J\u{1B}[31mred\u{1B}[0m\u{07}\u{08}\u{9B}2J"
        let clean = Sanitizer.clean(hostile)
        #expect(clean == "␛[2J␛[31mred␛[0m␇␈\u{FFFD}2J")
        #expect(!clean.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(Sanitizer.isClean(clean))
        #expect(!Sanitizer.isClean(hostile))
    }

    @Test func bidirectionalOverridesCannotReorderTheLine() {
        #expect(Sanitizer.clean("abc\u{202E}fed") == "abc\u{FFFD}fed")
    }

    @Test func tabsBecomeSpacesAndTextStays() {
        #expect(Sanitizer.clean("a\tb") == "a b")
        #expect(Sanitizer.clean("日本語 😀 ok") == "日本語 😀 ok")
    }

    @Test func linesSplitOnEveryKindOfNewline() {
        #expect(Sanitizer.lines("one\r\ntwo\nthree\rfour") == ["one", "two", "three", "four"])
        #expect(Sanitizer.lines("") == [""])
        #expect(Sanitizer.lines("a\n\u{1B}c") == ["a", "␛c"])
    }
}
