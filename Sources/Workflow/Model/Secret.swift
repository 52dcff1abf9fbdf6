/// A secret string (the component secret) that never shows itself in descriptions, dumps or logs.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself: read it only where it is used, never to print it.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<hidden>" }
    public var debugDescription: String { "<hidden>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
