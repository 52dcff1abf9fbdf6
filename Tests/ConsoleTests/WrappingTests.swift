import Console
import Testing

/// Long lines wrap at spaces, inside over-long words, and never through a wide character.
@Suite struct WrappingTests {
    @Test func wrapsAtSpaces() {
        #expect(Wrapping.wrap("the quick brown fox jumps", width: 10) == ["the quick", "brown fox", "jumps"])
    }

    @Test func shortLinesStay() {
        #expect(Wrapping.wrap("short", width: 10) == ["short"])
        #expect(Wrapping.wrap("", width: 10) == [""])
    }

    @Test func longWordsAreCut() {
        #expect(Wrapping.wrap("abcdefghijkl", width: 5) == ["abcde", "fghij", "kl"])
        #expect(Wrapping.wrap("see abcdefghij", width: 5) == ["see a", "bcdef", "ghij"], "a word wider than a row fills rows")
    }

    @Test func wideCharactersAreNeverSplit() {
        let rows = Wrapping.wrap("日本語のテキスト", width: 5)
        #expect(rows == ["日本", "語の", "テキ", "スト"])
        #expect(rows.allSatisfy { DisplayWidth.of($0) <= 5 })
        #expect(Wrapping.wrap("a😀😀😀", width: 4) == ["a😀", "😀😀"])
    }

    @Test func everyRowFits() {
        let text = "Lorem ipsum 日本語 dolor sit amet, 😀 consectetur adipiscing elit, sed do eiusmod tempor"
        for width in 2...30 {
            let rows = Wrapping.wrap(text, width: width)
            #expect(rows.allSatisfy { DisplayWidth.of($0) <= width }, "width \(width): \(rows)")
            #expect(rows.joined().filter { $0 != " " } == text.filter { $0 != " " }, "nothing lost at width \(width)")
        }
    }

    @Test func prefixAndSuffixByColumns() {
        #expect(Wrapping.prefix("日本語", width: 5) == "日本")
        #expect(Wrapping.suffix("日本語", width: 5) == "本語")
    }
}
