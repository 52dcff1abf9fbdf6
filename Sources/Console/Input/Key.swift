/// A key the agent pressed, decoded from the terminal's bytes.
public enum Key: Sendable, Equatable {
    case character(Character)
    case enter, tab, backTab, backspace, delete
    case left, right, up, down, home, end, pageUp, pageDown
    case escape
    /// Ctrl with a letter, lower case (`control("w")` is Ctrl-W).
    case control(Character)
    /// Alt (Meta) with a character: ESC then the character.
    case alt(Character)
    /// Pasted text (bracketed paste) or an unknown sequence.
    case paste(String)
    case unknown
}
