import Foundation
import LocalServices
import SwitchboardTesting
import Testing

@Suite struct RunDirectoryTests {
    @Test func aRelativePathIsTakenFromTheCurrentDirectory() {
        let directory = RunDirectory("some/run")
        #expect(directory.path == FileManager.default.currentDirectoryPath + "/some/run")
        #expect(RunDirectory("/tmp/a/../b").path == "/tmp/b")
    }

    @Test func eachServerGetsANewFolderAndItsChildrenCarryTheMark() async throws {
        let directory = RunDirectory(try RunDirectory.make("run-directory"))
        let first = try directory.newFolder("server"), second = try directory.newFolder("server")
        #expect(first != second && first.hasPrefix(directory.path + "/server-"))
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: first, isDirectory: &isFolder) && isFolder.boolValue)

        let child = try ChildProcess(
            "/bin/sh", ["-c", "echo \"$SB_RUN_DIR\""], logFile: "\(first)/out.log", runDirectory: directory)
        #expect(await child.waitForExit() == 0)
        #expect(try String(contentsOfFile: "\(first)/out.log", encoding: .utf8) == directory.path + "\n")
    }
}
