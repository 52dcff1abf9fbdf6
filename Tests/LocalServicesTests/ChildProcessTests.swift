import Foundation
import SwitchboardTesting
import Testing

@Suite struct ChildProcessTests {
    @Test func stopsAChildPolitelyWithSIGTERM() async throws {
        let sleeper = try ChildProcess("/bin/sleep", ["60"])
        #expect(sleeper.isRunning)
        await sleeper.stop(grace: .seconds(30))
        // 128 + 15: SIGTERM ended it; 137 would mean the SIGKILL fallback was needed.
        #expect(await sleeper.waitForExit() == 143)
        #expect(!sleeper.isRunning)
    }

    @Test func runsInTheGivenDirectoryWithItsOutputInTheLog() async throws {
        let directory = try RunDirectory.make("child")
        let child = try ChildProcess(
            "/bin/sh", ["-c", "pwd; echo \"$GREETING\""], environment: ["GREETING": "hello"],
            currentDirectory: directory, logFile: "\(directory)/out.log")
        #expect(await child.waitForExit() == 0)
        let output = try String(contentsOfFile: "\(directory)/out.log", encoding: .utf8)
        #expect(output == "\(directory)\nhello\n")
    }

    @Test func reportsTheExitCode() async throws {
        #expect(await (try ChildProcess("/bin/sh", ["-c", "exit 3"])).waitForExit() == 3)
    }
}
