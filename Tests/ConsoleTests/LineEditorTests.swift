import Console
import Testing

/// The input line: editing keys, word delete, history, and a view that keeps the cursor visible.
@Suite struct LineEditorTests {
    @Test func editing() {
        var editor = LineEditor()
        editor.insert("helo")
        editor.left()
        editor.insert("l")
        #expect(editor.text == "hello" && editor.cursor == 4)
        editor.home()
        editor.delete()
        #expect(editor.text == "ello")
        editor.end()
        editor.backspace()
        #expect(editor.text == "ell" && editor.cursor == 3)
        editor.right()
        #expect(editor.cursor == 3, "not past the end")
    }

    @Test func wordDelete() {
        var editor = LineEditor()
        editor.insert("send the  invoice  ")
        editor.deleteWord()
        #expect(editor.text == "send the  ")
        editor.deleteWord()
        #expect(editor.text == "send ")
        editor.home()
        editor.deleteWord()
        #expect(editor.text == "send ", "nothing before the cursor")
    }

    @Test func historyKeepsTheDraft() {
        var editor = LineEditor()
        editor.insert("one")
        #expect(editor.submit() == "one")
        editor.insert("two")
        _ = editor.submit()
        editor.insert("dra")
        editor.previous()
        #expect(editor.text == "two")
        editor.previous()
        editor.previous()
        #expect(editor.text == "one")
        editor.next()
        editor.next()
        #expect(editor.text == "dra")
    }

    @Test func theViewScrollsToTheCursor() {
        var editor = LineEditor()
        editor.insert("abcdefghij")
        let view = editor.view(width: 5)
        #expect(view.text == "ghij" && view.cursorColumn == 4)
        editor.home()
        #expect(editor.view(width: 5) == ("abcde", 0))
        var wide = LineEditor()
        wide.insert("日本語")
        #expect(wide.view(width: 10) == ("日本語", 6))
    }
}
