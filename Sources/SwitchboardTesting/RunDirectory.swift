import Foundation

/// Where tests keep run-time files: `.run/tests/NAME-RANDOM` under the repository (ignored by git).
public enum RunDirectory {
    /// The repository's root, found from this file's place in it.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Sources/SwitchboardTesting/RunDirectory.swift
        return url.path
    }()

    /// `.run/tests` itself, which holds every such folder.
    public static var root: String { "\(repositoryRoot)/.run/tests" }

    /// Makes a new, empty folder for one server or test.
    public static func make(_ name: String) throws -> String {
        let path = "\(root)/\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
