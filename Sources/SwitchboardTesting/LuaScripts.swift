import Foundation

/// Assembled Redis scripts (includes inlined, as the binary embeds them) written out as files, so
/// tests can lint them with luacheck and run them with `redis-cli --eval`, as a person would.
public enum LuaScripts {
    /// The globals Redis gives a script (read only: a script must not set globals).
    public static let redisGlobals = ["redis", "KEYS", "ARGV", "cjson", "cmsgpack", "bit", "struct"]

    /// luacheck's settings for Redis scripts: Lua 5.1 (Redis's), and Redis's globals.
    public static let luacheckConfig = """
        std = "lua51"
        read_globals = { \(redisGlobals.map { "\"\($0)\"" }.joined(separator: ", ")) }

        """

    /// Writes each script as `NAME.lua` into a fresh run folder, with a `.luacheckrc`; returns the folder.
    public static func write(_ scripts: [(name: String, source: String)], folder name: String) throws -> String {
        let folder = try RunDirectory.make(name)
        try luacheckConfig.write(toFile: "\(folder)/.luacheckrc", atomically: true, encoding: .utf8)
        for script in scripts {
            try script.source.write(toFile: "\(folder)/\(script.name).lua", atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// Runs luacheck (Debian `lua-check`) over every `.lua` file in `folder`: its exit status
    /// (0: no warnings or errors) and its report.
    public static func lint(_ folder: String) async throws -> (status: Int32, report: String) {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".lua") }.sorted()
        return try await run(
            try ChildProcess.executable("luacheck"),
            ["--no-color", "--codes", "--config", "\(folder)/.luacheckrc"] + files.map { "\(folder)/\($0)" },
            log: "\(folder)/luacheck.log")
    }

    /// `redis-cli -p PORT --eval FILE KEYS... , ARGS...`: its exit status and what it printed.
    public static func evalWithRedisCLI(
        _ file: String, port: Int, keys: [String], arguments: [String]
    ) async throws -> (status: Int32, output: String) {
        try await run(
            try ChildProcess.executable("redis-cli"),
            ["-p", String(port), "--no-raw", "--eval", file] + keys + [","] + arguments,
            log: file + ".out")
    }

    private static func run(_ executable: String, _ arguments: [String], log: String) async throws
        -> (Int32, String)
    {
        try? FileManager.default.removeItem(atPath: log)
        let process = try ChildProcess(executable, arguments, logFile: log)
        let status = await process.waitForExit()
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
