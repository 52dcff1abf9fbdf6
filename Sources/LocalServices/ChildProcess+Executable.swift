import Foundation

extension ChildProcess {
    /// The full path of the program `name` on `PATH` (ChildProcess starts programs by path).
    public static func executable(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw LocalServicesError.missing("\(name) is not installed (not on PATH): run Scripts/setup")
    }
}
