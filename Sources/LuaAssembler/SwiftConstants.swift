/// The Swift file made from assembled scripts: one `RedisScript` constant per script, named by
/// its verb, and `all` for the tests that lint and run every script.
struct SwiftConstants {
    let enumName: String
    let scripts: [LuaAssembler.Script]

    var text: String {
        var out = """
            // Generated at build time by LuaAssembler from the `Lua/` folder: edit the `.lua` files, not this.
            import Redis

            /// The target's Lua scripts, assembled (includes inlined).
            enum \(enumName) {

            """
        for script in scripts {
            let pounds = String(repeating: "#", count: Self.poundsNeeded(script.source))
            out += """
                    /// `\(script.name).lua`: \(script.keyCount) KEYS.
                    static let \(script.verb) = RedisScript(name: "\(script.name)", source: \(pounds)\"\"\"
                \(script.source)
                \"\"\"\(pounds))

                """
        }
        out += "    /// Every script, with its number of KEYS.\n"
        out += "    static let all: [(script: RedisScript, keyCount: Int)] = [\n"
        for script in scripts { out += "        (\(script.verb), \(script.keyCount)),\n" }
        out += "    ]\n}\n"
        return out
    }

    /// Enough `#` around a raw string literal that nothing in the script ends it or interpolates.
    static func poundsNeeded(_ source: String) -> Int {
        var count = 1
        while source.contains("\"" + String(repeating: "#", count: count))
            || source.contains("\\" + String(repeating: "#", count: count))
        {
            count += 1
        }
        return count
    }
}
