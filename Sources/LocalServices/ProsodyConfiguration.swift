import Foundation

/// The Prosody config of the local services, `prosody.cfg.lua` beside this file: embedded in the
/// program when it is built (no resource bundle to ship, no source tree to find at run time) and
/// written into each server's folder. `Scripts/services` uses the same file from the source tree.
enum ProsodyConfiguration {
    /// The config's text, as the build embedded it.
    static var text: String { String(decoding: PackageResources.prosody_cfg_lua, as: UTF8.self) }

    /// Where a server in `folder` finds its config.
    static func file(in folder: String) -> String { "\(folder)/prosody.cfg.lua" }

    /// Writes the config into `folder` (done once per server: restarts reuse it).
    static func write(into folder: String) throws {
        try text.write(toFile: file(in: folder), atomically: true, encoding: .utf8)
    }
}
