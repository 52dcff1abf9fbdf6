/// How a cell is drawn.
public enum Style: Sendable, Equatable {
    case plain, bold, reverse, dim, alert, notice, note, selected

    /// The SGR parameters that draw it (after a reset).
    var sgr: String {
        switch self {
        case .plain: "0"
        case .bold: "0;1"
        case .reverse: "0;7"
        case .dim: "0;2"
        case .alert: "0;1;31"
        case .notice: "0;33"
        case .note: "0;35"
        case .selected: "0;1;7"
        }
    }
}

/// A screen's worth of cells: what the terminal should show, built without a terminal. A wide
/// character (2 columns, or more for an emoji sequence) fills its cell and marks the next ones
/// as its continuation.
public struct Canvas: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var character: Character
        public var style: Style
        /// The right half of a wide character: drawn by the cell before it.
        public var isContinuation: Bool

        static let blank = Cell(character: " ", style: .plain, isContinuation: false)
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [[Cell]]

    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = Array(repeating: Array(repeating: .blank, count: self.width), count: self.height)
    }

    /// Writes `text` at a row and column, clipped at `limit` columns (default: the right edge);
    /// control characters are shown as pictures. Returns the column after the text.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, row: Int, column: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard (0..<height).contains(row), column >= 0 else { return column }
        let end = min(limit.map { column + $0 } ?? width, width)
        let safe = Sanitizer.isClean(text) ? String(text) : Sanitizer.clean(text)
        var x = column
        for character in safe {
            let columns = DisplayWidth.of(character)
            if columns == 0 { continue }  // marks and format characters alone are not drawn
            if x + columns > end {
                // The rest of the row stays blank rather than half a character.
                for blank in x..<end { put(blankIn: style, row: row, column: blank) }
                return end
            }
            clearWideNeighbours(row: row, column: x, columns: columns)
            cells[row][x] = Cell(character: character, style: style, isContinuation: false)
            for next in (x + 1)..<(x + columns) { cells[row][next] = Cell(character: " ", style: style, isContinuation: true) }
            x += columns
        }
        return x
    }

    /// Fills a row's columns with spaces in a style (a bar's background).
    public mutating func fill(row: Int, from column: Int = 0, to end: Int? = nil, style: Style) {
        guard (0..<height).contains(row) else { return }
        for x in max(column, 0)..<min(end ?? width, width) { put(blankIn: style, row: row, column: x) }
    }

    private mutating func put(blankIn style: Style, row: Int, column: Int) {
        clearWideNeighbours(row: row, column: column, columns: 1)
        cells[row][column] = Cell(character: " ", style: style, isContinuation: false)
    }

    /// Overwriting part of a wide character blanks the rest of it.
    private mutating func clearWideNeighbours(row: Int, column: Int, columns: Int) {
        // A character begun to the left loses its cells from here on.
        var start = column
        while start > 0, cells[row][start].isContinuation { start -= 1 }
        if start < column {
            cells[row][start].character = " "
            for cell in (start + 1)..<column { cells[row][cell].isContinuation = false }
        }
        // Continuations to the right of what is written lose their head.
        var after = column + columns
        while after < width, cells[row][after].isContinuation {
            cells[row][after] = Cell(character: " ", style: cells[row][after].style, isContinuation: false)
            after += 1
        }
    }

    /// A row as text (for tests and plain captures), trailing spaces kept.
    public func text(row: Int) -> String {
        String(cells[row].filter { !$0.isContinuation }.map(\.character))
    }

    /// Every row as text, trailing spaces removed.
    public var lines: [String] {
        (0..<height).map { row in
            var line = text(row: row)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// Terminal output that draws the whole canvas: each row from its first column, styles as SGR.
    public func ansi() -> String {
        ansi(rows: 0..<height)
    }

    /// Terminal output that draws only what changed since `previous` (everything when the size changed).
    public func ansi(since previous: Canvas?) -> String {
        guard let previous, previous.width == width, previous.height == height else { return ansi() }
        return ansi(rows: (0..<height).filter { cells[$0] != previous.cells[$0] })
    }

    /// Terminal output that draws some rows, each whole.
    public func ansi(rows: some Sequence<Int>) -> String {
        var out = "\u{1B}[?25l"
        for row in rows {
            out += "\u{1B}[\(row + 1);1H"
            var current: Style? = nil
            for cell in cells[row] where !cell.isContinuation {
                if cell.style != current {
                    out += "\u{1B}[\(cell.style.sgr)m"
                    current = cell.style
                }
                out.append(cell.character)
            }
        }
        return out + "\u{1B}[0m"
    }
}
