import Console
import Testing

/// The canvas: what each cell of the screen shows, without a terminal.
@Suite struct CanvasTests {
    @Test func textIsClippedAtTheEdge() {
        var canvas = Canvas(width: 5, height: 1)
        #expect(canvas.put("hello world", row: 0, column: 0) == 5)
        #expect(canvas.lines == ["hello"])
    }

    @Test func wideCharactersTakeTwoCells() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.put("日本語", row: 0, column: 1)
        #expect(canvas.lines == [" 日本"], "the third character does not fit")
        #expect(canvas.cells[0][2].isContinuation && canvas.cells[0][4].isContinuation)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var canvas = Canvas(width: 4, height: 1)
        canvas.put("日本", row: 0, column: 0)
        canvas.put("x", row: 0, column: 1)
        #expect(canvas.lines == [" x本"])
        canvas.put("y", row: 0, column: 2)
        #expect(canvas.lines == [" xy"])
    }

    @Test func controlCharactersArePictures() {
        var canvas = Canvas(width: 20, height: 1)
        canvas.put("a\u{1B}[2Jb", row: 0, column: 0)
        #expect(canvas.lines == ["a␛[2Jb"])
        #expect(!canvas.ansi().contains("\u{1B}[2J"), "nothing but our own sequences reaches the terminal")
    }

    @Test func ansiPositionsEveryRowAndStyles() {
        var canvas = Canvas(width: 3, height: 2)
        canvas.put("ab", row: 1, column: 0, style: .bold)
        let ansi = canvas.ansi()
        #expect(ansi.contains("\u{1B}[1;1H") && ansi.contains("\u{1B}[2;1H"))
        #expect(ansi.contains("\u{1B}[0;1mab"))
    }

    @Test func outsideTheCanvasNothingHappens() {
        var canvas = Canvas(width: 3, height: 1)
        canvas.put("x", row: 5, column: 0)
        canvas.put("x", row: -1, column: 0)
        #expect(canvas.lines == [""])
    }

    @Test func sequencesWiderThanTwoColumns() {
        var canvas = Canvas(width: 8, height: 1)
        canvas.put("a👍🏽b", row: 0, column: 0)
        #expect(canvas.lines == ["a👍🏽b"])
        #expect((2...4).allSatisfy { canvas.cells[0][$0].isContinuation } && !canvas.cells[0][5].isContinuation)
        canvas.put("x", row: 0, column: 3)
        #expect(canvas.lines == ["a  x b"], "overwriting the middle blanks the whole character")
        var narrow = Canvas(width: 3, height: 1)
        narrow.put("a👍🏽", row: 0, column: 0)
        #expect(narrow.lines == ["a"] && narrow.cells[0].allSatisfy { !$0.isContinuation })
    }

    @Test func onlyChangedRowsAreRedrawn() {
        var before = Canvas(width: 4, height: 3)
        before.put("one", row: 0, column: 0)
        var after = before
        after.put("two", row: 2, column: 0)
        let update = after.ansi(since: before)
        #expect(update.contains("\u{1B}[3;1H") && !update.contains("\u{1B}[1;1H") && !update.contains("\u{1B}[2;1H"))
        #expect(after.ansi(since: Canvas(width: 5, height: 3)) == after.ansi(), "a new size draws everything")
        #expect(after.ansi(since: nil) == after.ansi())
    }
}
