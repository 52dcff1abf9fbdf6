import Foundation
import SwitchboardTesting
import Testing
import XMPP

/// Files in the widget, in headless Chromium: the attach button's file goes by `POST /upload` and
/// reaches the agent as an out-of-band URL (XEP-0066); an image the agent sends shows as a
/// thumbnail inside its link, sized by the stylesheet, and any other file as a link.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WidgetFileBrowserTests {
    /// Writes a PNG of one colour, `width` × `height`, with Python's zlib (no image library here).
    static func png(_ path: String, width: Int, height: Int) async throws {
        let script = """
            import struct, sys, zlib
            w, h = int(sys.argv[2]), int(sys.argv[3])
            raw = b''.join(b'\\x00' + bytes([30, 120, 200]) * w for _ in range(h))
            def chunk(kind, data):
                return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
            png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            png += chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
            open(sys.argv[1], 'wb').write(png)
            """
        let child = try ChildProcess(try ChildProcess.executable("python3"), ["-c", script, path, "\(width)", "\(height)"], runDirectory: .tests)
        #expect(await child.waitForExit() == 0)
    }

    /// A plain HTTP server on loopback serving `folder`: an agent's upload host, for the test.
    static func withFileServer(_ folder: String, _ body: (Int) async throws -> Void) async throws {
        let port = try Ports.free()
        let server = try ChildProcess(
            try ChildProcess.executable("python3"), ["-m", "http.server", "\(port)", "--bind", "127.0.0.1", "--directory", folder],
            logFile: "\(folder)/../http-server.log", runDirectory: .tests)
        try await withCleanup {
            try await poll(.seconds(30), "the file server", every: .milliseconds(200), until: {
                (try? await PlainHTTP.get(port: port, path: "/label.png"))?.status == 200
            })
            try await body(port)
        } cleanup: {
            await server.stop()
        }
    }

    @Test func theAttachButtonUploadsAFileAndAnAgentsImageShowsAsAThumbnail() async throws {
        let folder = try UploadTests.folder()
        let served = try RunDirectory.make("agent-files")
        let photo = "\(served)/photo.png"
        try await Self.png(photo, width: 48, height: 32)
        try await Self.png("\(served)/label.png", width: 400, height: 300)
        try await Self.withFileServer(served) { filePort in
            try await WebHarness.with(accounts: ["alice"], workflow: WidgetBrowserTests.workflow, uploads: folder) { web in
                try await WebDriver.with { driver in
                    try await driver.browser { visitor in
                        try await visitor.bypassContentSecurityPolicy()
                        try await visitor.open(web.url + "/?queue=support")
                        try await visitor.click("#sb-widget .sb-launcher")
                        try await visitor.waitFor("#sb-widget .sb-status", containing: "Ask us anything")
                        try await visitor.type("#sb-widget .sb-input", "The box arrived broken\u{E007}")
                        let alice = try await web.agent("alice")
                        let chat = try #require(try await alice.message("the offer", startingWith: "New chat").from)
                        try await visitor.waitFor("#sb-widget .sb-status", containing: "chatting with Alice Agent")

                        // The attach button shows once the session allows files; it opens this input.
                        #expect(try await visitor.run("return document.querySelector('#sb-widget .sb-attach').hidden") as? Bool == false)
                        try await visitor.type("#sb-widget .sb-file-input", photo)
                        let line = try await alice.message("the visitor's file", startingWith: "[file] photo.png")
                        #expect(line.from?.bare == chat.bare)
                        let url = try #require(line.outOfBandURL)
                        #expect(url.hasPrefix("http://127.0.0.1:\(web.port)/uploads/") && line.body?.hasSuffix(url) == true)
                        let download = try await PlainHTTP.get(port: web.port, path: String(url.dropFirst("http://127.0.0.1:\(web.port)".count)))
                        #expect(download.status == 200 && download.headers.lowercased().contains("content-type: image/png"))
                        // The visitor's "📎 photo.png" line becomes their file, once: a thumbnail in its link.
                        try await visitor.waitUntil("the visitor's own thumbnail") {
                            try await visitor.run("return document.querySelectorAll('#sb-widget .sb-visitor a.sb-file img.sb-thumb').length")
                                as? Int == 1
                        }
                        #expect(try await visitor.texts("#sb-widget .sb-visitor").filter { $0.contains("photo.png") } == ["photo.png"])

                        // An image from the agent: a thumbnail inside its link, loaded, no larger than the stylesheet allows.
                        let image = "http://127.0.0.1:\(filePort)/label.png"
                        var file = Message(to: chat, id: "a1", body: image)
                        file.outOfBandURL = image
                        try await alice.send(file)
                        try await visitor.waitUntil("the thumbnail to load") {
                            try await visitor.run(
                                "const i = document.querySelector('#sb-widget .sb-agent a.sb-file img.sb-thumb'); return !!i && i.complete && i.naturalWidth > 0")
                                as? Bool == true
                        }
                        let shown = try await visitor.run("""
                            const i = document.querySelector('#sb-widget .sb-agent a.sb-file img.sb-thumb'), a = i.parentElement;
                            return [i.src, i.alt, i.referrerPolicy, a.href, a.rel, a.target, String(i.naturalWidth),
                                    String(i.getBoundingClientRect().height <= 160.5), a.textContent]
                            """) as? [String]
                        #expect(shown == [image, "label.png", "no-referrer", image, "noopener noreferrer", "_blank", "400", "true", "label.png"])

                        // Any other file: a link by its name, nothing fetched.
                        let guide = "http://127.0.0.1:\(filePort)/guide.pdf"
                        var pdf = Message(to: chat, id: "a2", body: guide)
                        pdf.outOfBandURL = guide
                        try await alice.send(pdf)
                        try await visitor.waitFor("#sb-widget a.sb-file", containing: "guide.pdf")
                        #expect(try await visitor.run("return document.querySelectorAll('#sb-widget .sb-agent img').length") as? Int == 1)
                        // A text that is only the file's URL shows as the link alone.
                        #expect(try await visitor.texts("#sb-widget .sb-agent").suffix(2) == ["Alice Agentlabel.png", "Alice Agentguide.pdf"])
                        try await visitor.run("document.querySelector('#sb-widget .sb-header').classList.remove('sb-flash')")
                        try await visitor.screenshot().write(to: try WidgetBrowserTests.screenshot("widget-files.png"))
                    }
                }
            }
        }
    }
}
