import Console
import Testing

/// Terminal bytes to keys, whole or split across reads.
@Suite struct KeyDecoderTests {
    func decode(_ text: String) -> [Key] {
        var decoder = KeyDecoder()
        return decoder.feed(Array(text.utf8))
    }

    @Test func textAndControls() {
        #expect(decode("aé\r\t\u{7F}\u{17}") == [.character("a"), .character("é"), .enter, .tab, .backspace, .control("w")])
        #expect(decode("日😀") == [.character("日"), .character("😀")])
    }

    @Test func escapeSequences() {
        #expect(decode("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D") == [.up, .down, .right, .left])
        #expect(decode("\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~\u{1B}OH\u{1B}OF") == [.home, .end, .home, .end, .home, .end])
        #expect(decode("\u{1B}[3~\u{1B}[5~\u{1B}[6~\u{1B}[Z") == [.delete, .pageUp, .pageDown, .backTab])
        #expect(decode("\u{1B}a\u{1B}\u{7F}") == [.alt("a"), .alt("\u{7F}")])
        #expect(decode("\u{1B}") == [.escape])
        #expect(decode("\u{1B}[1;5C") == [.right], "modifiers are ignored")
    }

    @Test func bracketedPaste() {
        #expect(decode("\u{1B}[200~two\nlines\u{1B}[201~x") == [.paste("two\nlines"), .character("x")])
    }

    @Test func sequencesSplitAcrossReads() {
        var decoder = KeyDecoder()
        let bytes = Array("a\u{1B}[3~é😀".utf8)
        var keys: [Key] = []
        // Every split point but the one right after ESC (a lone ESC at a read's end is the Escape key).
        for index in bytes.indices where bytes[index] != 0x1B {
            keys = decoder.feed(bytes[..<(index + 1)]) + decoder.feed(bytes[(index + 1)...])
            #expect(keys == [.character("a"), .delete, .character("é"), .character("😀")], "split after byte \(index)")
        }
    }

    @Test func garbageDoesNotStick() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0xFF, 0x61]) == [.unknown, .character("a")])
        #expect(decoder.feed([0xE6, 0x61]) == [.unknown, .character("a")], "a broken UTF-8 sequence")
        #expect(decode("\u{1B}[" + String(repeating: "1", count: 40) + "~b").last == .character("b"))
    }
}
