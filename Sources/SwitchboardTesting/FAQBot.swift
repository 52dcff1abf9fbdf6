import Foundation
import LocalServices

/// The example bot of `examples/faq-bot` (Python 3 standard library) on a free loopback port,
/// for tests of a queue's `bot:` end to end; stopped by its PID afterwards.
public enum FAQBot {
    /// Runs `body` with the bot's URL; `secret` is what it checks signatures with.
    public static func with(secret: String, _ body: (String) async throws -> Void) async throws {
        let log = "\(try RunDirectory.make("faq-bot"))/faq-bot.log"
        let bot = try ChildProcess(
            "/usr/bin/python3", ["examples/faq-bot/faq_bot.py", "--port", "0"], environment: ["SB_BOT_SECRET": secret],
            currentDirectory: RunDirectory.repositoryRoot, logFile: log)
        try await withCleanup {
            // The port it took, from its one line on start (a child process gives no other event).
            let url = try await poll(.seconds(60), "the FAQ bot to listen", every: .milliseconds(100)) { () -> String? in
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                guard let range = text.range(of: "listening on ") else { return nil }
                return text[range.upperBound...].split(separator: "\n").first.map(String.init)
            }
            try await body(url)
        } cleanup: {
            await bot.stop()
        }
    }
}
