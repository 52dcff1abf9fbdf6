import Foundation
@testable import LuaAssembler
import Testing

/// The build tool that embeds the scripts: includes inlined once each, and the checks that keep
/// a script's name, header and KEYS in agreement.
@Suite struct LuaAssemblerTests {
    /// Writes `files` (path → text) into a fresh temporary folder and returns it.
    func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appending(path: "lua-assembler-\(UUID().uuidString)").path
        for (path, text) in files {
            let full = "\(root)/\(path)"
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return root
    }

    let header = "-- Does a thing.\n-- KEYS[1] a key   KEYS[2] another\n-- ARGV[1] a value\n-- Returns 1.\n"

    @Test func includesAreInlinedOnceEachWithTheirOwnIncludes() throws {
        let root = try folder([
            "doThing-2.lua": header + "--- @include \"includes/b\"\n--- @include \"includes/a\"\nreturn b(KEYS[2])\n",
            "includes/a.lua": "local function a() return 1 end\n",
            "includes/b.lua": "--- @include \"a\"\nlocal function b(key) return a() .. key end\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let script = try LuaAssembler().assemble("\(root)/doThing-2.lua")
        #expect(script.name == "doThing-2" && script.verb == "doThing" && script.keyCount == 2)
        #expect(script.source.components(separatedBy: "local function a()").count == 2, "a is included once")
        #expect(!script.source.contains("@include"))
        let a = try #require(script.source.range(of: "local function a()"))
        let b = try #require(script.source.range(of: "local function b("))
        #expect(a.lowerBound < b.lowerBound, "an include comes before what uses it")
    }

    @Test func refusesWhatTheSwiftSideCouldNotTrust() throws {
        let root = try folder([
            "tooFew-1.lua": header + "return KEYS[2]\n",
            "undocumented-3.lua": header + "return KEYS[3]\n",
            "silent-2.lua": "-- KEYS[1] a   KEYS[2] b\nreturn 1\n",
            "bad_name.lua": header + "return 1\n",
            "loop-2.lua": header + "--- @include \"includes/loop\"\nreturn 1\n",
            "includes/loop.lua": "--- @include \"loop\"\n",
            "missing-2.lua": header + "--- @include \"includes/nowhere\"\nreturn 1\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["tooFew-1", "undocumented-3", "silent-2", "bad_name", "loop-2", "missing-2"] {
            #expect(throws: LuaAssembler.Failure.self, "\(name)") { try LuaAssembler().assemble("\(root)/\(name).lua") }
        }
    }

    @Test func swiftConstantsSurviveQuotesAndBackslashesInTheScript() {
        #expect(SwiftConstants.poundsNeeded("return 'a'") == 1)
        #expect(SwiftConstants.poundsNeeded("x = \"#y\"") == 2)
        #expect(SwiftConstants.poundsNeeded("x = '\\#'") == 2)
    }
}
