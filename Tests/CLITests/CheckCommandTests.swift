import Foundation
import SwitchboardTesting
import Testing

/// `switchboard check`, run as a user would: the built binary.
@Suite struct CheckCommandTests {
    /// Runs `switchboard check ARGUMENTS` in the repository; its exit status and output.
    static func check(
        _ arguments: [String], in directory: String, environment: [String: String] = ["SB_COMPONENT_SECRET": "test-secret"]
    ) async throws -> (status: Int32, output: String) {
        let log = "\(directory)/check-\(UInt32.random(in: 0...UInt32.max)).log"
        let child = try ChildProcess(
            try SwitchboardBinary.path(), ["check"] + arguments, environment: environment,
            currentDirectory: RunDirectory.repositoryRoot, logFile: log)
        let status = await child.waitForExit()
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test func theDemoIsOK() async throws {
        let directory = try RunDirectory.make("check")
        let (status, output) = try await Self.check(["Workflows/default.yml"], in: directory)
        #expect(status == 0)
        #expect(output == "Workflows/default.yml: ok (3 queues, 3 agents)\n")
    }

    /// Issue 17: the README's command failed where SB_STATS_TOKEN (and the secrets) are not set.
    /// Unset variables are warnings for `check`, problems with `--require-env` as for the router.
    @Test func theREADMEsCommandPassesWithoutTheSecretsAndSaysWhatIsUnset() async throws {
        let directory = try RunDirectory.make("check")
        let examples = try FileManager.default.contentsOfDirectory(atPath: "\(RunDirectory.repositoryRoot)/Workflows/examples")
            .filter { $0.hasSuffix(".yml") }.sorted().map { "Workflows/examples/\($0)" }
        let files = ["Workflows/default.yml"] + examples
        let (status, output) = try await Self.check(files, in: directory, environment: [:])
        #expect(status == 0, "\(output)")
        #expect(output.contains("warning: token: the environment variable SB_STATS_TOKEN is not set here"), "\(output)")
        #expect(!output.contains("error:"), "\(output)")
        let strict = try await Self.check(["--require-env"] + files, in: directory, environment: [:])
        #expect(strict.status == 1, "\(strict.output)")
        #expect(strict.output.contains("error: token: the environment variable SB_STATS_TOKEN is not set"), "\(strict.output)")
    }

    @Test func aBrokenFileListsEveryProblemByLineAndFails() async throws {
        let directory = try RunDirectory.make("check")
        let broken = "\(directory)/broken.yml"
        try """
            xmpp:
              secret: never-shown-secret
              port: many
            agents:
              - jid: alice@localhost/desk
            queues:
              - name: sales
                skills: [sales]
                strategy: fastest
            """.write(toFile: broken, atomically: true, encoding: .utf8)
        let (status, output) = try await Self.check([broken, "Workflows/default.yml"], in: directory)
        #expect(status == 1)
        #expect(output == """
            \(broken):3:9: error: port: must be a whole number, not 'many'
            \(broken):5:10: error: jid: 'alice@localhost/desk' has a resource; an agent is a bare JID such as alice@localhost
            \(broken):8:14: error: no agent has the skill 'sales'
            \(broken):9:15: error: strategy: 'fastest' is not one of: longest-idle, least-busy, round-robin, skills-weighted
            \(broken): 4 problems
            Workflows/default.yml: ok (3 queues, 3 agents)

            """)
        #expect(!output.contains("never-shown-secret"))
    }

    /// A queue's avatar is read when the workflow is checked: a file that is missing, too big or
    /// not an image is an error at its line, as the router's reload refuses it.
    @Test func anAvatarThatIsNotAnImageOfAtMost64KiB() async throws {
        let directory = try RunDirectory.make("check")
        let workflow = "\(directory)/avatars.yml"
        FileManager.default.createFile(atPath: "\(directory)/logo.txt", contents: Data("not a picture".utf8))
        try """
            xmpp: { secret: s }
            agents: [{ jid: alice@localhost }]
            queues:
              - { name: sales, avatar: logo.txt }
              - { name: support, avatar: gone.png }
            """.write(toFile: workflow, atomically: true, encoding: .utf8)
        let (status, output) = try await Self.check([workflow], in: directory)
        #expect(status == 1)
        #expect(output.contains("\(workflow):4:28: error: avatar: \(directory)/logo.txt: not a PNG, JPEG, GIF or WebP image of at most 64 KiB"), "\(output)")
        #expect(output.contains("\(workflow):5:30: error: avatar: no such file: \(directory)/gone.png"), "\(output)")
    }

    @Test func aMissingFile() async throws {
        let directory = try RunDirectory.make("check")
        let (status, output) = try await Self.check(["no-such-workflow.yml"], in: directory)
        #expect(status == 1)
        #expect(output == "no-such-workflow.yml: error: no such file\nno-such-workflow.yml: 1 problem\n")
    }

    @Test func helpExplainsTheOutput() async throws {
        let directory = try RunDirectory.make("check")
        let (status, output) = try await Self.check(["--help"], in: directory)
        #expect(status == 0)
        #expect(output.contains("FILE:LINE:COLUMN: error: REASON"))
    }
}
