import Console
import Testing

/// Column widths: ASCII 1, East Asian wide and emoji 2, combining marks and format characters 0.
@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("日", 2), ("한", 2), ("ｱ", 1), ("Ａ", 2), ("😀", 2), ("👍🏽", 4),
        ("❤️", 1), ("☺", 1), ("\u{200B}", 0), ("\u{301}", 0), ("\u{1B}", 0), ("🇫🇷", 2), ("👨‍👩‍👧", 6), ("中", 2), ("─", 1),
    ])
    func character(_ text: String, _ width: Int) {
        #expect(DisplayWidth.of(Character(text)) == width, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func strings() {
        #expect(DisplayWidth.of("hello") == 5)
        #expect(DisplayWidth.of("日本語 ok") == 9)
        #expect(DisplayWidth.of("") == 0)
        #expect(DisplayWidth.of("a😀b") == 4)
    }
}
