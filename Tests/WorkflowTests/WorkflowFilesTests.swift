import Foundation
import SwitchboardTesting
import Testing
@testable import Workflow

/// The workflow files of the repository: the demo and the examples.
@Suite struct WorkflowFilesTests {
    static let folder = "\(RunDirectory.repositoryRoot)/Workflows"

    /// Every YAML file in Workflows/ and Workflows/examples/.
    static let files: [String] = ["", "/examples"].flatMap { sub in
        let path = folder + sub
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { "\(path)/\($0)" }
    }

    @Test func thereAreTheDemoAndThreeExamples() {
        #expect(Self.files.contains("\(Self.folder)/default.yml"))
        #expect(Self.files.filter { $0.contains("/examples/") }.count >= 3)
    }

    @Test(arguments: files)
    func loadsWithoutProblems(file: String) {
        #expect(throws: Never.self) { try Workflow.load(path: file, environment: testEnvironment) }
    }

    @Test func theDemoMatchesTheDemoAccounts() throws {
        let demo = try Workflow.load(path: "\(Self.folder)/default.yml", environment: [:])
        #expect(demo.xmpp.secret.value == "switchboard-dev-secret")
        #expect(demo.xmpp.port == 5347)
        #expect(demo.xmpp.domain == "support.localhost")
        #expect(demo.redis.url == "redis://127.0.0.1:6379")
        #expect(demo.agents.map(\.jid.description) == ["alice@localhost", "bob@localhost", "carol@localhost"])
        #expect(demo.agents.map(\.name) == ["Alice", "Bob", "Carol"])
        #expect(demo.agents.map(\.role) == [.agent, .agent, .supervisor])
        #expect(demo.queues.map(\.name) == ["support", "sales", "billing"])
        #expect(demo.defaultQueue?.name == "support")
        #expect(demo.queues.contains { !$0.overflow.isEmpty })
        // Carol can stand in for anyone: she has every skill any queue requires.
        let carol = demo.agents[2]
        #expect(demo.queues.allSatisfy { carol.hasSkills($0.skills) })
        #expect(demo.queues.allSatisfy { !demo.eligibleAgents(for: $0).isEmpty })
        for key in ["greeting", "thanks", "bye"] { #expect(demo.cannedReply(key) != nil) }
    }

    @Test func retentionIsReadInDaysAndDefaultsToThirty() throws {
        let example = try Workflow.load(path: "\(Self.folder)/examples/manual-accept.yml", environment: testEnvironment)
        #expect(example.retention == .seconds(90 * 86_400))
        let demo = try Workflow.load(path: "\(Self.folder)/default.yml", environment: [:])
        #expect(demo.retention == .seconds(30 * 86_400))
    }

    @Test func theDemoTakesItsConnectionsFromTheEnvironment() throws {
        let demo = try Workflow.load(path: "\(Self.folder)/default.yml", environment: [
            "SB_COMPONENT_SECRET": "from-env", "SB_COMPONENT_PORT": "15347", "SB_REDIS_URL": "redis://127.0.0.1:16379",
        ])
        #expect(demo.xmpp.secret.value == "from-env")
        #expect(demo.xmpp.port == 15347)
        #expect(demo.redis.url == "redis://127.0.0.1:16379")
    }

    @Test func theExamplesDocumentEveryKeyAndChoice() throws {
        let text = try Self.files.filter { $0.contains("/examples/") }
            .map { try String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n")
        for key in WorkflowKeys.all {
            #expect(text.contains("\(key):"), "no example uses '\(key):'")
        }
        let choices = RoutingStrategy.allCases.map(\.rawValue) + UnservedChatPolicy.allCases.map(\.rawValue)
            + Agent.Role.allCases.map(\.rawValue) + ["auto", "manual"] + WebhookEvent.allCases.map(\.rawValue)
        for choice in choices {
            #expect(text.contains(choice), "no example mentions '\(choice)'")
        }
        for placeholder in MessageTemplate.Placeholder.allCases {
            #expect(text.contains("{\(placeholder.rawValue)}"), "no example mentions {\(placeholder.rawValue)}")
        }
    }

    @Test func filesThatCannotBeRead() throws {
        let directory = try RunDirectory.make("workflow-files")
        let latin1 = "\(directory)/latin1.yml"
        FileManager.default.createFile(atPath: latin1, contents: Data("x: gr".utf8) + [0xFC, 0x6E])  // "grün" in Latin-1
        for (path, reason) in [
            (latin1, "the file is not UTF-8 text"), (directory, "cannot read the file"), ("\(directory)/none.yml", "no such file"),
        ] {
            #expect(throws: WorkflowErrors([WorkflowProblem(file: path, line: 0, column: 0, reason: reason)])) {
                try Workflow.load(path: path, environment: testEnvironment)
            }
        }
    }
}
