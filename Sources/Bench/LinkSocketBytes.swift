import Foundation

/// The component link's TCP payload bytes as the kernel counts them on Prosody's side of the
/// component port (`ss -ti`: `bytes_sent`, `bytes_received`), summed over the port's
/// connections: everything on the link, pings and presence included, each way.
struct LinkSocketBytes: Sendable, Equatable {
    /// Prosody → the relay.
    var toRelay: Int
    /// The relay → Prosody.
    var fromRelay: Int

    /// The counts now; nil when `ss` is missing or says nothing (the figures are then left out).
    static func read(componentPort port: Int) -> LinkSocketBytes? {
        guard (1...65_535).contains(port) else { return nil }
        let executable = ["/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/sbin/ss"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let executable else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-tinH", "state", "established", "( sport = :\(port) )"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// Sums `bytes_sent:N` and `bytes_received:N` over every connection `ss -ti` lists.
    static func parse(_ text: String) -> LinkSocketBytes? {
        var sent = 0, received = 0, seen = false
        for field in text.split(whereSeparator: \.isWhitespace) {
            if field.hasPrefix("bytes_sent:"), let value = Int(field.dropFirst("bytes_sent:".count)) {
                sent += value
                seen = true
            } else if field.hasPrefix("bytes_received:"), let value = Int(field.dropFirst("bytes_received:".count)) {
                received += value
                seen = true
            }
        }
        return seen ? LinkSocketBytes(toRelay: sent, fromRelay: received) : nil
    }
}
