/// The mark on the router's own notices to an agent in a chat's window ("[router] Noted."):
/// plain clients show them like the visitor's lines, from the same address. Consoles, which
/// read the `AgentEvent` beside them, show notices their own way and drop the mark.
public enum RouterNotice {
    public static let mark = "[router] "

    /// `text` without the mark, if it has one.
    public static func unmarked(_ text: String) -> String {
        text.hasPrefix(mark) ? String(text.dropFirst(mark.count)) : text
    }
}
