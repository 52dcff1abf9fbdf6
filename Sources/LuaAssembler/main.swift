import Foundation

// LuaAssembler LUA_FOLDER OUTPUT.swift ENUM_NAME
//   Run by the EmbedLuaScripts build plugin: assembles every `LUA_FOLDER/*.lua` (includes inlined)
//   and writes them as `RedisScript` constants of `enum ENUM_NAME` in OUTPUT.swift.
// LuaAssembler --lua LUA_FOLDER OUTPUT_FOLDER
//   Writes the assembled scripts as `.lua` files, to read or run by hand:
//   `swift run LuaAssembler --lua Sources/Routing/Lua /tmp/lua && redis-cli --eval /tmp/lua/monitor-3.lua …`
let arguments = CommandLine.arguments
let usage = "usage: LuaAssembler LUA_FOLDER OUTPUT.swift ENUM_NAME | LuaAssembler --lua LUA_FOLDER OUTPUT_FOLDER\n"
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}

/// Writes `text` to `path` unless it is there already, so an unchanged script rebuilds nothing.
func write(_ text: String, to path: String) throws {
    if FileManager.default.contents(atPath: path) != Data(text.utf8) {
        try Data(text.utf8).write(to: URL(filePath: path), options: .atomic)
    }
}

do {
    let folder = arguments[1] == "--lua" ? arguments[2] : arguments[1]
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".lua") }.sorted()
    let scripts = try names.map { try LuaAssembler().assemble((folder as NSString).appendingPathComponent($0)) }
    if arguments[1] == "--lua" {
        try FileManager.default.createDirectory(atPath: arguments[3], withIntermediateDirectories: true)
        for script in scripts { try write(script.source, to: "\(arguments[3])/\(script.name).lua") }
    } else {
        try write(SwiftConstants(enumName: arguments[3], scripts: scripts).text, to: arguments[2])
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
