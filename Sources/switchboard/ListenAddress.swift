import ArgumentParser

/// `host:port` or `[v6]:port`.
struct ListenAddress {
    let host: String
    let port: Int

    init(_ text: String, option: String = "--listen") throws {
        let bad = ValidationError("\(option) '\(text)' is not host:port (as 127.0.0.1:8082 or [::1]:8082)")
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { throw bad }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw bad }
        self.host = host
        self.port = port
    }
}
