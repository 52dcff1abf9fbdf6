import Foundation
import PackagePlugin

/// Turns a target's `Lua/*.lua` scripts into Swift string constants at build time (with
/// `LuaAssembler`), so the scripts stay readable, lintable files while the binary carries them
/// inside: no resource bundle to ship beside it, no source tree needed where it runs.
@main
struct EmbedLuaScripts: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let folder = target.directoryURL.appending(path: "Lua")
        // The folder is excluded from the target's sources (SwiftPM would otherwise warn about
        // files it does not handle), so it is listed here: every script and include is an input.
        let inputs = (FileManager.default.subpaths(atPath: folder.path(percentEncoded: false)) ?? [])
            .filter { $0.hasSuffix(".lua") }.sorted().map { folder.appending(path: $0) }
        let name = target.name + "Lua"
        let output = context.pluginWorkDirectoryURL.appending(path: name + ".swift")
        return [
            .buildCommand(
                displayName: "Assembling the Lua scripts of \(target.name)",
                executable: try context.tool(named: "LuaAssembler").url,
                arguments: [folder.path(percentEncoded: false), output.path(percentEncoded: false), name],
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
