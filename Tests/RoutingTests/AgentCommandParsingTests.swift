@testable import Routing
import Testing

/// The quick look every chat message gets before it is parsed as a command.
@Suite struct AgentCommandParsingTests {
    @Test func textThatCannotBeACommandIsNotTrimmedOrParsed() {
        #expect(!AgentCommand.mayBeCommand("Hello, how can I help?"))
        #expect(!AgentCommand.mayBeCommand(""))
        #expect(!AgentCommand.mayBeCommand("   \n"))
        #expect(AgentCommand("  where is my order /end") == nil)
    }

    @Test func commandsAfterWhiteSpaceAreStillFound() {
        #expect(AgentCommand.mayBeCommand(" \t/end"))
        #expect(AgentCommand.mayBeCommand("!accept"))
        #expect(AgentCommand.mayBeCommand("\u{A0}/close"))  // non-ASCII white space: left to the full check
        #expect(AgentCommand("\n /accept") == .accept)
        #expect(AgentCommand("\u{A0}/close") == .close)
    }
}
