import Foundation
import SwitchboardTesting


/// A headless Chromium driven over the W3C WebDriver protocol (Debian's chromedriver), on
/// loopback only. One chromedriver serves any number of browsers, each with its own profile
/// (so its own localStorage: another visitor).
final class WebDriver: Sendable {
    let port: Int
    private let process: ChildProcess

    private init(port: Int, process: ChildProcess) {
        self.port = port
        self.process = process
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `body` with a chromedriver, stopped afterwards.
    static func with<T: Sendable>(_ body: (WebDriver) async throws -> T) async throws -> T {
        let port = try Ports.free()
        let log = RunDirectory.root + "/chromedriver-\(port).log"
        let process = try ChildProcess(
            try ChildProcess.executable("chromedriver"), ["--port=\(port)", "--allowed-ips=127.0.0.1"], logFile: log,
            runDirectory: .tests)
        let driver = WebDriver(port: port, process: process)
        return try await withCleanup {
            try await poll(.seconds(30), "chromedriver to listen", every: .milliseconds(50)) { [process] in
                guard process.isRunning else { throw Failure(description: "chromedriver exited; see \(log)") }
                return Ports.accepts(port)
            }
            return try await body(driver)
        } cleanup: {
            await process.stop()
            Self.stopBrowsers(using: driver.profiles)
        }
    }

    /// Where this driver's browsers keep their profiles (one folder each).
    var profiles: String { RunDirectory.root + "/chromium-\(port)" }

    /// Stops, by PID, any browser of ours still running (one whose session was never closed):
    /// chromedriver leaves its browsers behind when it stops.
    private static func stopBrowsers(using profiles: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for entry in entries {
            guard let pid = Int32(entry),
                let command = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                String(decoding: command, as: UTF8.self).contains("--user-data-dir=\(profiles)/")
            else { continue }
            kill(pid, SIGKILL)
        }
    }

    /// Runs `body` with a new browser window of `width`×`height` (a phone's screen, emulated, when
    /// `mobile`), closed afterwards.
    func browser<T: Sendable>(width: Int = 1100, height: Int = 800, mobile: Bool = false, _ body: (Browser) async throws -> T)
        async throws -> T
    {
        let profile = profiles + "/" + UUID().uuidString
        var options: [String: Any] = [
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=\(width),\(height)", "--autoplay-policy=no-user-gesture-required",
                     "--user-data-dir=\(profile)"],
        ]
        if mobile { options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 2]] }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]]
        let reply = try await request("POST", "/session", capabilities)
        guard let value = reply["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw Failure(description: "no WebDriver session: \(reply)")
        }
        let browser = Browser(driver: self, session: id)
        return try await withCleanup { try await body(browser) } cleanup: {
            _ = try? await self.request("DELETE", "/session/\(id)", nil)
        }
    }

    /// One WebDriver command; an error reply is thrown with its message.
    @discardableResult
    func request(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let port = self.port
        let response = try await within(.seconds(60), "WebDriver \(method) \(path)") {
            try await PlainHTTP.request(method, port: port, path: path, body: data)
        }
        guard let reply = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any] else {
            throw Failure(description: "WebDriver sent no JSON object for \(method) \(path): \(response.headers)")
        }
        if let value = reply["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "WebDriver \(method) \(path): \(error): \(value["message"] ?? "")")
        }
        return reply
    }
}

/// One browser window (a WebDriver session).
struct Browser: Sendable {
    let driver: WebDriver
    let session: String

    func open(_ url: String) async throws {
        try await driver.request("POST", "/session/\(session)/url", ["url": url])
    }

    /// Runs `script` in every page before the page's own scripts (Chrome DevTools protocol).
    func beforeEveryPage(_ script: String) async throws {
        try await driver.request("POST", "/session/\(session)/goog/cdp/execute", [
            "cmd": "Page.addScriptToEvaluateOnNewDocument", "params": ["source": script],
        ])
    }

    /// Lets the page load what its Content-Security-Policy refuses (Chrome DevTools protocol), e.g.
    /// an image from a loopback server on another port standing in for an agent's upload host.
    func bypassContentSecurityPolicy() async throws {
        try await driver.request("POST", "/session/\(session)/goog/cdp/execute", ["cmd": "Page.setBypassCSP", "params": ["enabled": true]])
    }

    func reload() async throws {
        try await driver.request("POST", "/session/\(session)/refresh", [:])
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns its result.
    @discardableResult
    func run(_ script: String, _ args: [Any] = []) async throws -> Any? {
        let reply = try await driver.request("POST", "/session/\(session)/execute/sync", ["script": script, "args": args])
        return reply["value"]
    }

    /// The text of every element matching `selector`, in document order.
    func texts(_ selector: String) async throws -> [String] {
        let value = try await run("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", [selector])
        return value as? [String] ?? []
    }

    func click(_ selector: String) async throws {
        let element = try await find(selector)
        try await driver.request("POST", "/session/\(session)/element/\(element)/click", [:])
    }

    /// Types `text` into the element, as keystrokes (`\u{E007}` is Enter).
    func type(_ selector: String, _ text: String) async throws {
        let element = try await find(selector)
        try await driver.request("POST", "/session/\(session)/element/\(element)/value", ["text": text])
    }

    func screenshot() async throws -> Data {
        let reply = try await driver.request("GET", "/session/\(session)/screenshot", nil)
        guard let base64 = reply["value"] as? String, let data = Data(base64Encoded: base64) else {
            throw WebDriver.Failure(description: "no screenshot")
        }
        return data
    }

    private func find(_ selector: String) async throws -> String {
        let reply = try await driver.request("POST", "/session/\(session)/element", ["using": "css selector", "value": selector])
        guard let value = reply["value"] as? [String: Any], let id = value.values.first as? String else {
            throw WebDriver.Failure(description: "no element \(selector)")
        }
        return id
    }

    /// Waits until `condition` holds. The page has no events a test could await, so this polls
    /// (every 100 ms, at most `limit`): a bounded wait, not a timing assumption.
    func waitUntil(_ what: String, _ limit: Duration = .seconds(20), _ condition: @escaping @Sendable () async throws -> Bool)
        async throws
    {
        try await poll(limit, what, every: .milliseconds(100), until: condition)
    }

    /// Waits until some element matching `selector` has text containing `text`.
    func waitFor(_ selector: String, containing text: String) async throws {
        try await waitUntil("\(selector) to show \"\(text)\"") { try await texts(selector).contains { $0.contains(text) } }
    }
}
