import Foundation
import LocalServices

/// The `switchboard` executable built with the tests: the one way every test finds it.
public enum SwitchboardBinary {
    /// Its path: beside the test bundle (the build folder of this very build, debug or release),
    /// else in `.build/debug` of the repository.
    public static func path() throws -> String {
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.deletingLastPathComponent().appendingPathComponent("switchboard").path,
            bundle.appendingPathComponent("switchboard").path,
            "\(RunDirectory.repositoryRoot)/.build/debug/switchboard",
        ]
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw LocalServicesError.missing("switchboard is not built (looked in \(candidates)): run swift build --build-tests")
        }
        return found
    }
}
