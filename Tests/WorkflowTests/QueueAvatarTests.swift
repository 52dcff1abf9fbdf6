import Foundation
import SwitchboardTesting
import Testing
import Workflow

/// A queue's `avatar`: an image file next to the workflow, told by its first bytes, at most 64 KiB,
/// served in the queue address's vCard (XEP-0054) and announced by its SHA-1 (XEP-0153).
@Suite struct QueueAvatarTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("switchboard".utf8)

    /// Writes `files` and a workflow whose queues are `queues` into a new folder; the workflow's path.
    static func folder(_ files: [String: [UInt8]], queues: String) throws -> String {
        let directory = try RunDirectory.make("avatar")
        for (name, bytes) in files {
            FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data(bytes))
        }
        let path = "\(directory)/workflow.yml"
        try "xmpp: { secret: s }\nagents:\n  - jid: alice@localhost\nqueues:\n\(queues)".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsTheImageNextToTheWorkflowWithItsTypeAndHash() throws {
        let path = try Self.folder(["logo.png": Self.png], queues: "  - name: sales\n    avatar: logo.png\n  - name: support\n")
        let loaded = try Workflow.load(path: path, environment: [:])
        let avatar = try #require(loaded.queues.first { $0.name == "sales" }?.avatar)
        #expect(avatar.type == .png && avatar.type.rawValue == "image/png")
        #expect(avatar.bytes == Self.png)
        #expect(avatar.sha1 == "5f45a6e5d83610bad788bbc4d87a521efdef11ec", "sha1sum of the file")
        #expect(loaded.queues.first { $0.name == "support" }?.avatar == nil)
        // Logged or dumped, the avatar is one line, not its bytes.
        var dumped = ""
        dump(loaded, to: &dumped)
        #expect(dumped.contains("QueueAvatar(image/png, 19 bytes, sha1 5f45a6e5"))
        #expect(!dumped.contains("137"), "no byte of the image, one by one")
    }

    @Test func theTypeComesFromTheFirstBytesNotTheName() throws {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]
        let gif = Array("GIF89a".utf8) + [1, 0, 1, 0]
        let webp = Array("RIFF".utf8) + [0x1A, 0, 0, 0] + Array("WEBPVP8 ".utf8)
        for (bytes, type) in [(jpeg, QueueAvatar.ImageType.jpeg), (gif, .gif), (webp, .webp), (Self.png, .png)] {
            let path = try Self.folder(["picture.png": bytes], queues: "  - name: sales\n    avatar: picture.png\n")
            #expect(try Workflow.load(path: path, environment: [:]).queues.first?.avatar?.type == type)
        }
        let limit = Self.png + [UInt8](repeating: 0, count: QueueAvatar.maxBytes - Self.png.count)
        #expect(try QueueAvatar(bytes: limit).bytes.count == 65_536, "64 KiB is allowed")
    }

    @Test func aMissingOversizedOrUnknownFileIsAProblemAtItsLine() throws {
        let oversized = Self.png + [UInt8](repeating: 0, count: QueueAvatar.maxBytes - Self.png.count + 1)
        let path = try Self.folder(
            ["big.png": oversized, "notes.png": Array("hello".utf8), "riff.webp": Array("RIFF\0\0\0\0WAVE".utf8)],
            queues: """
                  - name: a
                    avatar: missing.png
                  - name: b
                    avatar: big.png
                  - name: c
                    avatar: notes.png
                  - name: d
                    avatar: riff.webp
                  - name: e
                    avatar: ""
                  - name: f
                    avatar: .
                  - name: g
                    avatar: /dev/zero
                """)
        let folder = (path as NSString).deletingLastPathComponent
        do {
            _ = try Workflow.load(path: path, environment: [:])
            Issue.record("a workflow with broken avatars loaded")
        } catch {
            let problems = error.problems.map { "\($0.line): \($0.reason)" }
            #expect(problems == [
                "6: avatar: no such file: \(folder)/missing.png (a PNG, JPEG, GIF or WebP image of at most 64 KiB, relative to the workflow file)",
                "8: avatar: \(folder)/big.png is 65537 bytes; an avatar may be at most 65536 bytes (64 KiB)",
                "10: avatar: \(folder)/notes.png: not a PNG, JPEG, GIF or WebP image of at most 64 KiB",
                "12: avatar: \(folder)/riff.webp: not a PNG, JPEG, GIF or WebP image of at most 64 KiB",
                "14: avatar: the path is empty (a PNG, JPEG, GIF or WebP image of at most 64 KiB, relative to the workflow file)",
                "16: avatar: no such file: \(folder)/. (a PNG, JPEG, GIF or WebP image of at most 64 KiB, relative to the workflow file)",
                "18: avatar: /dev/zero is not a regular file (a PNG, JPEG, GIF or WebP image of at most 64 KiB)",
            ])
        }
    }
}
