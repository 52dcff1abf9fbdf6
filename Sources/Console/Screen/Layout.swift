/// Where each part of the screen goes for a terminal size.
public struct Layout: Sendable, Equatable {
    /// A rectangle of rows and columns.
    public struct Area: Sendable, Equatable {
        public var row: Int, column: Int, width: Int, height: Int

        public var rows: Range<Int> { row..<(row + height) }
    }

    public let width: Int
    public let height: Int
    public let header: Area
    /// The chat list; zero wide on narrow terminals.
    public let list: Area
    /// The transcript (or the supervisor's tables), with its title row first.
    public let main: Area
    public let input: Area
    public let keys: Area

    /// Terminals smaller than this get a notice instead.
    public static let minimumWidth = 30, minimumHeight = 8

    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        let bodyHeight = max(height - 3, 0)
        let listWidth = width >= 70 ? min(28, width / 3) : 0
        header = Area(row: 0, column: 0, width: width, height: 1)
        list = Area(row: 1, column: 0, width: listWidth, height: bodyHeight)
        // One column separates the list from the transcript.
        let mainColumn = listWidth == 0 ? 0 : listWidth + 1
        main = Area(row: 1, column: mainColumn, width: max(width - mainColumn, 0), height: bodyHeight)
        input = Area(row: max(height - 2, 0), column: 0, width: width, height: 1)
        keys = Area(row: max(height - 1, 0), column: 0, width: width, height: 1)
    }
}
