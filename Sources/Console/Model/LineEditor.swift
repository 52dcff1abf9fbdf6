/// The input line: text, a cursor, editing keys and a history of what was sent (up/down).
public struct LineEditor: Sendable, Equatable {
    public private(set) var characters: [Character] = []
    /// Where the next character goes, 0...characters.count.
    public private(set) var cursor = 0
    public private(set) var history: [String] = []
    /// Which history entry is shown while browsing; nil when editing a fresh line.
    private var browsing: Int?
    private var draft: [Character] = []
    public static let historyLimit = 200

    public init() {}

    public var text: String { String(characters) }

    public mutating func insert(_ text: String) {
        characters.insert(contentsOf: text, at: cursor)
        cursor += text.count
    }

    public mutating func left() { cursor = max(cursor - 1, 0) }
    public mutating func right() { cursor = min(cursor + 1, characters.count) }
    public mutating func home() { cursor = 0 }
    public mutating func end() { cursor = characters.count }

    /// Deletes the character before the cursor.
    public mutating func backspace() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    /// Deletes the character under the cursor.
    public mutating func delete() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    /// Deletes the word before the cursor and the spaces after it (Ctrl-W).
    public mutating func deleteWord() {
        var start = cursor
        while start > 0, characters[start - 1] == " " { start -= 1 }
        while start > 0, characters[start - 1] != " " { start -= 1 }
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Deletes everything before the cursor (Ctrl-U).
    public mutating func deleteToStart() {
        characters.removeSubrange(0..<cursor)
        cursor = 0
    }

    /// Replaces the whole line, cursor at its end.
    public mutating func set(_ text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    /// Takes the line to send: clears it and remembers it in the history.
    public mutating func submit() -> String {
        let line = text
        if !line.isEmpty, history.last != line {
            history.append(line)
            if history.count > Self.historyLimit { history.removeFirst() }
        }
        characters = []
        cursor = 0
        browsing = nil
        return line
    }

    /// The previous history entry (Up); the line being typed is kept for Down.
    public mutating func previous() {
        guard !history.isEmpty else { return }
        if browsing == nil { draft = characters }
        let index = max((browsing ?? history.count) - 1, 0)
        browsing = index
        set(history[index])
    }

    /// The next history entry (Down), then back to the line being typed.
    public mutating func next() {
        guard let index = browsing else { return }
        if index + 1 < history.count {
            browsing = index + 1
            set(history[index + 1])
        } else {
            browsing = nil
            set(String(draft))
        }
    }

    /// What the input row shows in `width` columns: a window of the text that keeps the cursor
    /// visible, and the cursor's column in it.
    public func view(width: Int) -> (text: String, cursorColumn: Int) {
        guard width > 1 else { return ("", 0) }
        let before = characters[..<cursor]
        let beforeWidth = DisplayWidth.of(String(before))
        if beforeWidth < width {
            return (Wrapping.prefix(String(characters), width: width), beforeWidth)
        }
        // Scroll: the cursor sits at the right edge.
        let shown = Wrapping.suffix(String(before), width: width - 1)
        let shownWidth = DisplayWidth.of(shown)
        let after = Wrapping.prefix(String(characters[cursor...]), width: width - shownWidth)
        return (shown + after, shownWidth)
    }
}
