import Foundation
import SwitchboardTesting
import Testing

/// `switchboard bench` as an installed binary runs it: a copy of the binary alone in an empty
/// folder, the source tree out of reach (an empty tmpfs mounted over it, seen by that process
/// only), so nothing may come from the checkout: not the Prosody config, not a run folder.
@Suite struct InstalledBenchTests {
    /// Hiding the checkout takes a mount namespace of its own: root and `unshare`.
    static var canHideTheCheckout: Bool {
        getuid() == 0 && (try? ChildProcess.executable("unshare")) != nil
    }

    @Test(.enabled(if: canHideTheCheckout, "needs root and unshare to hide the source tree"), .timeLimit(.minutes(5)))
    func aCopyOfTheBinaryRunsTheBenchWithNoSourceTree() async throws {
        let folder = RunDirectory(NSTemporaryDirectory())
        let installed = try folder.newFolder("switchboard-installed")
        defer { try? FileManager.default.removeItem(atPath: installed) }
        let bin = "\(installed)/bin", work = "\(installed)/work"
        for path in [bin, work] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: try SwitchboardBinary.path(), toPath: "\(bin)/switchboard")
        let log = "\(installed)/bench.log"

        // `exec`: the bench is the process the test stops if the time limit ends the test.
        let script = "mount -t tmpfs none \"$0\" && cd \"$1\" && exec \"$2\" bench --duration 2"
        let bench = try ChildProcess(
            try ChildProcess.executable("unshare"),
            ["-m", "sh", "-c", script, RunDirectory.repositoryRoot, work, "\(bin)/switchboard"],
            logFile: log)
        let status = await withTaskCancellationHandler {
            await bench.waitForExit()
        } onCancel: {
            bench.signal(SIGTERM)
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "switchboard bench exited with \(status): \(output.suffix(3000))")
        #expect(output.contains("sb / floor"), "the table came out: \(output.suffix(3000))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty, "it wrote nothing where it ran")
    }
}
