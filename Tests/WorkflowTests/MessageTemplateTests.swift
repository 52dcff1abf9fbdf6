import Testing
import Workflow

@Suite struct MessageTemplateTests {
    @Test func rendersValues() throws {
        let template = try MessageTemplate("{visitor}, you are number {position} in {queue}; wait {eta}. {agent}")
        let text = template.render(TemplateValues(position: 2, eta: .seconds(150), queue: "Sales", agent: "Alice", visitor: "Dana"))
        #expect(text == "Dana, you are number 2 in Sales; wait about 3 minutes. Alice")
        #expect(template.placeholders == [.visitor, .position, .queue, .eta, .agent])
    }

    @Test func aValueNotGivenRendersAsNothing() throws {
        #expect(try MessageTemplate("Hello {visitor}!").render(TemplateValues()) == "Hello !")
    }

    @Test func doubledBracesAreLiteral() throws {
        let template = try MessageTemplate("{{position}} is {position}; }} and {{")
        #expect(template.render(TemplateValues(position: 1)) == "{position} is 1; } and {")
        #expect(template.placeholders == [.position])
    }

    @Test func refusesUnknownAndUnclosedPlaceholders() {
        #expect(throws: WorkflowValueError("unknown placeholder {postion}; did you mean {position}? (placeholders here: {agent}, {eta}, {position}, {queue}, {visitor})")) {
            try MessageTemplate("{postion}")
        }
        #expect(throws: WorkflowValueError.self) { try MessageTemplate("Hi {visitor") }
        #expect(throws: WorkflowValueError.self) { try MessageTemplate("Hi visitor}") }
        #expect(throws: WorkflowValueError.self) { try MessageTemplate("{}") }
        #expect(throws: WorkflowValueError("{agent} has no value in this text (placeholders here: {queue})")) {
            try MessageTemplate("{agent}", allowing: [.queue])
        }
    }

    @Test func eachMessageKnowsItsPlaceholders() {
        #expect(!QueueMessages.Kind.welcome.placeholders.contains(.agent))
        #expect(QueueMessages.Kind.closed.placeholders.contains(.agent))
        #expect(CannedReply.placeholders == [.agent, .visitor, .queue])
    }

    @Test func defaultMessagesAreUsedWhenNoneIsGiven() throws {
        let loaded = try workflow(queues: """
              - name: sales
                title: Sales
                messages:
                  welcome: "Hi {visitor}!"
            """)
        let messages = loaded.queues[0].messages
        #expect(messages.welcome.render(TemplateValues(visitor: "Dana")) == "Hi Dana!")
        #expect(messages.position.render(TemplateValues(position: 3, eta: .seconds(20)))
            == "You are number 3 in line. Estimated wait: less than a minute.")
        #expect(messages[.closed] == QueueMessages().closed)
    }

    @Test(arguments: [
        (Duration.seconds(0), "less than a minute"), (.seconds(59), "less than a minute"), (.seconds(60), "about a minute"),
        (.seconds(61), "about 2 minutes"), (.seconds(89 * 60), "about 89 minutes"), (.seconds(90 * 60), "about 2 hours"),
        (.seconds(5 * 3600), "about 5 hours"),
    ])
    func estimatedWaitInWords(eta: Duration, words: String) {
        #expect(TemplateValues.describe(eta: eta) == words)
    }

    /// Issue 17: the built-in no_agents said "Sorry" to chats that stay in line and are answered
    /// later; it says what happens, and a queue that closes such chats says that instead.
    @Test func theBuiltInNoAgentsTextFitsWhatTheQueueDoes() throws {
        let loaded = try workflow(queues: "  - name: sales\n  - name: billing\n    when_no_agents: close\n")
        let waits = loaded.queues[0].messages.noAgents.render(TemplateValues())
        let closes = loaded.queues[1].messages.noAgents.render(TemplateValues())
        #expect(waits.contains("keep your place in line") && !waits.contains("Sorry"), "\(waits)")
        #expect(closes.contains("this chat is closed"), "\(closes)")
        let custom = try workflow(queues: "  - name: billing\n    when_no_agents: close\n    messages: { no_agents: Bye }\n")
        #expect(custom.queues[0].messages.noAgents.render(TemplateValues()) == "Bye")
    }
}
