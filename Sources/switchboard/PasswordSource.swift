import ArgumentParser
import Foundation

/// Where the console's password comes from: a file, `$SB_PASSWORD`, or a prompt without echo.
/// Never printed or logged.
enum PasswordSource {
    static func password(file: String?, account: String) throws -> String {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, !line.isEmpty
            else { throw ValidationError("--password-file \(file): cannot read a password from it") }
            return String(line)
        }
        if let password = ProcessInfo.processInfo.environment["SB_PASSWORD"], !password.isEmpty { return password }
        return try prompt("Password for \(account): ")
    }

    /// Reads a line from the terminal with echo off, restoring it afterwards.
    private static func prompt(_ text: String) throws -> String {
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else { throw ValidationError("no password: give --password-file or $SB_PASSWORD (there is no terminal to ask)") }
        defer { close(tty) }
        _ = text.withCString { write(tty, $0, strlen($0)) }
        var original = termios()
        tcgetattr(tty, &original)
        var quiet = original
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(tty, TCSAFLUSH, &original)
            _ = write(tty, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != 0x0A, byte != 0x0D { bytes.append(byte) }
        guard !bytes.isEmpty else { throw ValidationError("no password given") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
