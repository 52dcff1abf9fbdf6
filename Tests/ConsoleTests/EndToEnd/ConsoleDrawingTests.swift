import Foundation
import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

extension ConsoleEndToEnd {
    /// What reaches the terminal: resizes, hostile escapes, wide characters, scrollback, and the
    /// terminal put back on every way out.
    @Suite struct ConsoleDrawingTests: LiveRouterSuite {
        /// Every row of the screen fits its width (tmux shows wider output wrapped or cut: garbage).
        static func fits(_ screen: [String], width: Int) -> Bool {
            screen.allSatisfy { DisplayWidthProbe.columns($0) <= width }
        }

        @Test func escapesFromAVisitorAreShownNotObeyed() async throws {
            try await ConsoleLiveTests.withConsole { live, pane in
                let visitor = try await ConsoleLiveTests.chatAccepted(live, pane, visitor: "visitor1", first: "before")
                // XML cannot carry ESC and most C0 controls (our XMPP encoder drops them, as the server
                // would refuse them), but C1 controls (U+009B is an 8-bit CSI) and bidi overrides pass.
                let hostile = "\u{1B}[2J\u{1B}[H\u{9B}2J\u{9B}31mRED\u{9D}0;title\u{9C}\u{1B}[?1049l\rX\u{08}\u{202E}desrever\u{1B}c after"
                try await visitor.send(Message(to: try live.address("sales"), body: hostile))
                let screen = try await pane.waitFor(text: "visitor1: [2J[H�2J�31mRED�0;title�[?1049l")
                #expect(screen[0].hasPrefix(" alice@localhost │ available"), "the header was not cleared")
                #expect(screen.contains { $0.contains("visitor1: before") }, "earlier lines stay")
                #expect(screen.contains { $0.contains("visitor1: X�desreverc after") }, "the carriage return starts a line")
                #expect(try await pane.format("#{alternate_on}") == "1", "still on the console's screen")
                #expect(try await pane.format("#{pane_title}") != "title")
            }
        }

        @Test func aResizeRedrawsWithoutGarbage() async throws {
            try await ConsoleLiveTests.withConsole { live, pane in
                let visitor = try await ConsoleLiveTests.chatAccepted(live, pane, visitor: "visitor1", first: "first")
                let long = "This is a long message that has to wrap on a narrow terminal, with 日本語 and 😀 in it too"
                try await visitor.send(Message(to: try live.address("sales"), body: long))
                var screen = try await pane.waitFor(text: "visitor1: This is a long message")
                #expect(Self.fits(screen, width: 100))
                #expect(screen[1].contains("│ chat"), "a chat list beside the transcript")

                try await pane.resize(width: 50, height: 16)
                screen = try await pane.waitFor("the narrow layout") { $0.count >= 16 && $0[1].hasPrefix(" chat ") }
                #expect(Self.fits(screen, width: 50))
                #expect(screen[0].hasPrefix(" alice@localhost"))
                #expect(!screen[1..<14].contains { $0.contains("│") || $0.contains(" Chats") }, "nothing left of the wide layout:\n\(screen.joined(separator: "\n"))")
                #expect(screen.contains { $0.contains("日本語") && $0.contains("😀") } || screen.contains { $0.contains("😀") })
                #expect(screen[14].hasPrefix("chat "), "the input line above the keys")

                try await pane.resize(width: 120, height: 40)
                screen = try await pane.waitFor("the wide layout again") { $0.count >= 40 && $0[1].contains("│ chat") }
                #expect(Self.fits(screen, width: 120))
                #expect(screen.contains { $0.contains("visitor1: This is a long message that has to wrap on a narrow terminal, with") })
            }
        }

        @Test func wideCharactersAndScrollback() async throws {
            try await ConsoleLiveTests.withConsole(width: 80, height: 16) { live, pane in
                let visitor = try await ConsoleLiveTests.chatAccepted(live, pane, visitor: "visitor1", first: "line 0")
                // Each message wraps onto a second row; fewer than the router's flood limit.
                let padding = "and enough words to wrap onto a second row"
                for number in 1...8 {
                    try await visitor.send(Message(to: try live.address("sales"), body: "line \(number) 日本 \(padding)"))
                }
                var screen = try await pane.waitFor(text: "visitor1: line 8 日本")
                #expect(Self.fits(screen, width: 80))
                // Columns after wide characters line up: the list's separator stays in its column.
                #expect(screen[1...12].allSatisfy { DisplayWidthProbe.columns(String($0.prefix { $0 != "│" })) == 26 })
                try await pane.press("PageUp")
                screen = try await pane.waitFor(text: "↓ 7 more")
                #expect(!screen.contains { $0.contains("line 8 日本") }, "scrolled up")
                #expect(screen.contains { $0.contains("(earlier) visitor1: line 0") }, "to the top of the chat")
                try await pane.press("PageDown")
                try await pane.waitFor(text: "line 8 日本")

                // Emoji sequences take what tmux gives them (👍🏽 four columns, ❤️ one): wrapped rows still fit.
                try await visitor.send(Message(to: try live.address("sales"), body: String(repeating: "👍🏽", count: 20) + " ❤️🇫🇷 end"))
                screen = try await pane.waitFor(text: "❤️🇫🇷 end")
                #expect(Self.fits(screen, width: 80))
                #expect(screen[1...12].allSatisfy { DisplayWidthProbe.columns(String($0.prefix { $0 != "│" })) == 26 })

                try await pane.type("日本語 ok 😀")
                try await pane.press("Left", "C-w", "Enter")
                #expect(try await visitor.message("the reply", startingWith: "日本語").body == "日本語 😀")
            }
        }

        /// `quit` is /quit; the others are signals: polite ones, and the crashes SIGABRT and SIGSEGV.
        @Test(arguments: ["TERM", "INT", "quit", "ABRT", "SEGV"])
        func theTerminalIsRestored(_ how: String) async throws {
            try await ConsoleLiveTests.withRouter(accounts: ConsoleLiveTests.accounts(["alice"]), rules: ConsoleLiveTests.workflow(ConsoleLiveTests.yaml)) {
                (live: LiveRouter) in
                // After the console, the shell records the terminal's mode.
                // The shell ignores SIGINT (else it would end with its child); it stays, as a dead pane loses its text.
                let shell = "trap '' INT; %@; stty -a > stty.txt; echo console-ended; exec sleep 600"
                try await ConsolePane.with(live, user: "alice", shell: shell) { pane in
                    try await pane.waitFor(text: "waiting sales 0")
                    #expect(try await pane.format("#{alternate_on}") == "1")
                    if how == "quit" {
                        try await pane.enter("/quit")
                    } else {
                        let shell = try await pane.format("#{pane_pid}")
                        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
                        let console = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
                        kill(console, ["TERM": SIGTERM, "INT": SIGINT, "ABRT": SIGABRT, "SEGV": SIGSEGV][how]!)
                    }
                    try await pane.waitFor(text: "console-ended")
                    #expect(try await pane.format("#{alternate_on}") == "0", "back on the main screen")
                    #expect(try await pane.format("#{cursor_flag}") == "1", "the cursor shows")
                    let stty = try String(contentsOfFile: "\(pane.directory)/stty.txt", encoding: .utf8)
                    let flags = Set(stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
                    #expect(flags.isSuperset(of: ["icanon", "echo", "isig", "icrnl", "opost"]), "cooked mode again: \(stty)")
                }
            }
        }
    }
}

/// Columns as tmux counts them in a captured line (wide characters two).
enum DisplayWidthProbe {
    static func columns(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            let value = scalar.value
            if scalar.properties.generalCategory == .nonspacingMark || value == 0xFE0F { return total }
            let wide = (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
                || (0xF900...0xFAFF).contains(value) || (0xFF00...0xFF60).contains(value) || (0x1F300...0x1FAFF).contains(value)
            return total + (wide ? 2 : 1)
        }
    }
}
