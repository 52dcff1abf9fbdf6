import Foundation
import Redis
import Routing
import SwitchboardTesting
import Testing
import WidgetClient
@testable import Web
import XMPP

/// Files from web visitors: the kind read from the content, the name made harmless, and
/// `POST /upload` refusing what it should with nothing stored (real Prosody, Redis and router).
@Suite struct UploadKindTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)

    @Test func kindsAreReadFromTheContent() {
        #expect(UploadKind.sniff(Self.png) == "image/png")
        #expect(UploadKind.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) == "image/jpeg")
        #expect(UploadKind.sniff(Array("GIF89a....".utf8)) == "image/gif")
        #expect(UploadKind.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == "image/webp")
        #expect(UploadKind.sniff(Array("%PDF-1.7\n".utf8)) == "application/pdf")
        #expect(UploadKind.sniff(Array("Order 42, shipped on 3 May.\r\n".utf8)) == "text/plain")
    }

    @Test func whatIsNoKnownKindIsNothing() {
        #expect(UploadKind.sniff([]) == nil)
        #expect(UploadKind.sniff([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]) == nil, "an ELF program")
        #expect(UploadKind.sniff(Array("MZ\u{90}\u{0}".utf8)) == nil, "a Windows program")
        #expect(UploadKind.sniff(Array("  <!DOCTYPE html><script>alert(1)</script>".utf8)) == nil, "a page posing as text")
        #expect(UploadKind.sniff(Array("<svg onload=alert(1)>".utf8)) == nil)
        #expect(UploadKind.sniff([0x61, 0x00, 0x62]) == nil, "a NUL is no text")
        #expect(UploadKind.sniff([0xC3, 0x28]) == nil, "not UTF-8")
    }

    @Test func namesLoseTheirPathsAndTricks() {
        #expect(UploadName.clean("../../etc/passwd", type: "text/plain") == "passwd")
        #expect(UploadName.clean("C:\\Users\\me\\photo.png", type: "image/png") == "photo.png")
        #expect(UploadName.clean("a\"b;c'd\u{0}e\u{202E}gnp.exe", type: "image/png") == "abcdegnp.exe")
        #expect(UploadName.clean("...hidden", type: "text/plain") == "hidden")
        #expect(UploadName.clean(nil, type: "image/png") == "file.png")
        #expect(UploadName.clean("/", type: "application/pdf") == "file.pdf")
        #expect(UploadName.clean(String(repeating: "é", count: 100), type: "text/plain").utf8.count <= 120)
    }
}

@Suite(.serialized) struct UploadTests {
    static let workflow = """
        queues:
          - { name: support, title: Support, skills: [support] }
        agents:
          - { jid: alice@localhost, name: Alice Agent, skills: { support: 5 } }
        """

    static func folder() throws -> String { "\(try RunDirectory.make("uploads"))/files" }

    static func post(_ web: WebHarness, token: String?, name: String, _ bytes: [UInt8], origin: String? = nil) async throws
        -> (status: Int, headers: String, body: String)
    {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let origin { headers.append(("Origin", origin)) }
        let query = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await PlainHTTP.request("POST", port: web.port, path: "/upload?name=\(query)", headers: headers, body: Data(bytes))
    }

    static func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func aVisitorsFileReachesTheAgentAndIsServedAsAnAttachment() async throws {
        let folder = try Self.folder()
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow, uploads: folder) { web in
            let alice = try await web.availableAgent("alice")
            try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                let session = try await socket.next("session")
                let token = try #require(session["token"])
                #expect(session["uploads.max_bytes"] == "2048")
                try await socket.send(["type": "message", "id": "m1", "text": "Here is my receipt"])
                _ = try await socket.next("received")
                let chat = try #require(try await alice.message("the new chat", startingWith: "New chat").from)

                let text = Array("Receipt 42: two lamps, paid.\n".utf8)
                let answer = try await Self.post(web, token: token, name: "../receipt.txt", text)
                #expect(answer.status == 201, "\(answer)")
                let upload = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] ?? [:]
                let id = try #require(upload["id"] as? String)
                #expect(upload["name"] as? String == "receipt.txt")
                #expect(upload["type"] as? String == "text/plain")
                #expect(Self.files(in: folder) == [id], "kept under its random id, not its name")

                try await socket.send(["type": "message", "id": "f1", "text": "", "upload": id])
                #expect(try await socket.next("received")["id"] == "f1")
                let line = try await alice.message("the file's line", startingWith: "[file] receipt.txt")
                #expect(line.from == chat)
                let url = try #require(line.body?.split(separator: " ").last.map(String.init))
                #expect(url == "http://127.0.0.1:\(web.port)/uploads/\(id)")
                // Out-of-band data (XEP-0066), so XMPP clients show the file inline.
                #expect(line.element.child("x", namespace: "jabber:x:oob")?.child("url", namespace: "jabber:x:oob")?.text == url)
                #expect(try await web.redis.send("HGET", "{sb}:web:upload:\(id)", "chat").string == chat.local?.replacingOccurrences(of: "chat-", with: ""))

                let download = try await PlainHTTP.get(port: web.port, path: "/uploads/\(id)")
                #expect(download.status == 200)
                #expect(download.body == String(decoding: text, as: UTF8.self))
                let head = download.headers.lowercased()
                #expect(head.contains("content-disposition: attachment; filename=\"receipt.txt\""))
                #expect(head.contains("x-content-type-options: nosniff"))
                #expect(head.contains("content-type: text/plain"))

                // Another visitor cannot send this file as theirs.
                try await WebSocketClient.with(port: web.port, origin: web.origin) { other in
                    try await other.send(["type": "hello", "queue": "support"])
                    _ = try await other.next("session")
                    try await other.send(["type": "message", "id": "x1", "text": "", "upload": id])
                    #expect(try await other.next("error")["code"] == "bad-request")
                }
            }
        }
    }

    @Test func refusedUploadsStoreNothing() async throws {
        let folder = try Self.folder()
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow, uploads: folder) { web in
            let token = try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                return try #require(try await socket.next("session")["token"])
            }
            let text = Array("Just some notes.\n".utf8)
            #expect(try await Self.post(web, token: nil, name: "a.txt", text).status == 401)
            #expect(try await Self.post(web, token: String(repeating: "0", count: 64), name: "a.txt", text).status == 401)
            #expect(try await Self.post(web, token: "not-a-token", name: "a.txt", text).status == 401)
            let large = try await Self.post(web, token: token, name: "big.txt", Array(repeating: 0x61, count: 4096))
            #expect(large.status == 413 && large.body.contains("too-large"))
            let program = try await Self.post(web, token: token, name: "photo.png", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0])
            #expect(program.status == 415 && program.body.contains("forbidden-type"))
            let page = try await Self.post(web, token: token, name: "notes.txt", Array("<html><script>x()</script>".utf8))
            #expect(page.status == 415)
            let pdf = try await Self.post(web, token: token, name: "a.pdf", Array("%PDF-1.4\n".utf8))
            #expect(pdf.status == 415, "a kind this workflow does not allow")
            #expect(Self.files(in: folder).isEmpty)
            #expect(try await web.redis.send("KEYS", "{sb}:web:upload:*").array?.isEmpty == true)

            // Nothing is served from outside the folder, whatever the path.
            for path in ["/uploads/..%2F..%2FPackage.swift", "/uploads/../Package.swift", "/uploads/\(String(repeating: "a", count: 32))"] {
                #expect(try await PlainHTTP.get(port: web.port, path: path).status == 404, "\(path)")
            }

            // A flood of uploads from one session: ten attempts a minute, refused ones included (the
            // four above), so six more are kept and the rest refused.
            var statuses: [Int] = []
            for index in 0..<8 { statuses.append(try await Self.post(web, token: token, name: "n\(index).txt", text).status) }
            #expect(statuses == [201, 201, 201, 201, 201, 201, 429, 429], "\(statuses)")
            #expect(Self.files(in: folder).count == 6)
        }
    }

    @Test func filesGoWithTheirChats() async throws {
        let folder = try Self.folder()
        try await WebHarness.with(accounts: ["alice"], workflow: Self.workflow, uploads: folder) { web in
            let token = try await WebSocketClient.with(port: web.port, origin: web.origin) { socket in
                try await socket.send(["type": "hello", "queue": "support"])
                return try #require(try await socket.next("session")["token"])
            }
            let keys = web.store.keys
            let store = UploadStore(settings: .init(directory: folder), redis: web.redis, keys: WebKeys(keys), routing: keys)
            func upload() async throws -> String {
                let answer = try await Self.post(web, token: token, name: "a.txt", Array("notes\n".utf8))
                let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] ?? [:]
                return try #require(object["id"] as? String)
            }
            let kept = try await upload(), gone = try await upload(), unclaimed = try await upload()
            try await web.redis.send("HSET", keys.chat("7"), "state", "active")
            try await store.attach(try #require(try await store.find(kept)), to: "7")
            try await store.attach(try #require(try await store.find(gone)), to: "8")  // chat 8 expired: no key
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            #expect(try await store.sweep(now: now) == 1)
            #expect(Self.files(in: folder) == [kept, unclaimed].sorted())
            #expect(try await store.sweep(now: now + UploadStore.unclaimedLifetime + 1) == 1, "unclaimed for over an hour")
            #expect(Self.files(in: folder) == [kept])
        }
    }
}
