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

    /// Runs `switchboard bench ARGUMENTS` from a copy of the binary in an empty folder with the
    /// checkout hidden; its exit status, its output, and whether the folder it ran in stayed empty.
    static func benchInstalled(_ arguments: [String]) async throws -> (status: Int32, output: String, wroteNothing: Bool) {
        let folder = RunDirectory(NSTemporaryDirectory())
        let installed = try folder.newFolder("switchboard-installed")
        defer { try? FileManager.default.removeItem(atPath: installed) }
        let bin = "\(installed)/bin", work = "\(installed)/work"
        for path in [bin, work] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: try SwitchboardBinary.path(), toPath: "\(bin)/switchboard")
        let log = "\(installed)/bench.log"

        // `exec`: the bench is the process the test stops if the time limit ends the test.
        let script = "mount -t tmpfs none \"$0\" && cd \"$1\" && binary=\"$2\" && shift 2 && exec \"$binary\" bench \"$@\""
        let bench = try ChildProcess(
            try ChildProcess.executable("unshare"),
            ["-m", "sh", "-c", script, RunDirectory.repositoryRoot, work, "\(bin)/switchboard"] + arguments,
            logFile: log)
        let status = await withTaskCancellationHandler {
            await bench.waitForExit()
        } onCancel: {
            bench.signal(SIGTERM)
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (status, output, try FileManager.default.contentsOfDirectory(atPath: work).isEmpty)
    }

    @Test(.enabled(if: canHideTheCheckout, "needs root and unshare to hide the source tree"), .timeLimit(.minutes(5)))
    func aCopyOfTheBinaryRunsTheBenchWithNoSourceTree() async throws {
        let (status, output, wroteNothing) = try await Self.benchInstalled(["--duration", "2"])
        #expect(status == 0, "switchboard bench exited with \(status): \(output.suffix(3000))")
        #expect(output.contains("sb / floor"), "the table came out: \(output.suffix(3000))")
        #expect(wroteNothing, "it wrote nothing where it ran")
    }

    /// Web visitors: the router's web service serves the widget from files built into the binary.
    @Test(.enabled(if: canHideTheCheckout, "needs root and unshare to hide the source tree"), .timeLimit(.minutes(5)))
    func webVisitorsToo() async throws {
        let (status, output, _) = try await Self.benchInstalled(
            ["--duration", "2", "--visitors", "10", "--agents", "2", "--rate", "5", "--visitors-via", "web"])
        #expect(status == 0, "switchboard bench exited with \(status): \(output.suffix(3000))")
        #expect(output.contains("No floor ratios"), "the table came out: \(output.suffix(3000))")
    }
}
