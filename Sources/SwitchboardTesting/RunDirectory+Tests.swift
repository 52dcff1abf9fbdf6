import Foundation
import LocalServices

extension RunDirectory {
    /// The repository's root, found from this file's place in it (tests run in the source tree;
    /// the product never does this: LocalServices is told its run directory).
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Sources/SwitchboardTesting/RunDirectory+Tests.swift
        return url.path
    }()

    /// Where tests keep run-time files: `.run/tests` under the repository (ignored by git).
    /// Scripts/test stops what a test process that died left running by its mark.
    public static let tests = RunDirectory("\(repositoryRoot)/.run/tests")

    /// `.run/tests` itself, which holds every test's folder.
    public static var root: String { tests.path }

    /// Makes a new, empty folder for one server or test in `.run/tests`.
    public static func make(_ name: String) throws -> String {
        try tests.newFolder(name)
    }
}
