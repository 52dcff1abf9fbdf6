import Foundation

/// The folder that holds the run-time files of the servers a program starts: a new folder inside
/// it for each server (data, logs, its Prosody config), and the shared certificate in `certs`.
///
/// The caller chooses it: the tests use `.run/tests` in the repository, `switchboard bench` a
/// temporary folder or `--run-directory`. Nothing here depends on where the source tree is.
public struct RunDirectory: Sendable, Hashable {
    /// An absolute path (Prosody reads relative paths as relative to its config file).
    public let path: String

    /// `path` as given when absolute, else taken from the current directory.
    public init(_ path: String) {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        self.path = url.standardizedFileURL.path
    }

    /// Makes a new, empty folder `NAME-RANDOM` inside it (and the run directory itself if need be).
    public func newFolder(_ name: String) throws -> String {
        let folder = "\(path)/\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The environment variable that marks a child process as started for a run directory.
    public static let markVariable = "SB_RUN_DIR"

    /// Set in the environment of every process started for this run directory: a clean-up finds
    /// what a program that died left running by it (redis-server rewrites its command line, so
    /// the command line alone does not tell).
    public var mark: [String: String] { [Self.markVariable: path] }
}
