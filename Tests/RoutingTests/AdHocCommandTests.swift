import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import Workflow
import XMPP

/// Every agent command as an XEP-0050 ad-hoc command, discovered through XEP-0030.
@Suite(.serialized) struct AdHocCommandTests {
    static let rules: @Sendable (String) -> RoutingRules = { domain in
        RoutingRules(
            domain: domain,
            queues: [
                RoutingRules.Queue(Queue(name: "sales", messages: .routerTexts), plan: QueuePlan(queue: "sales", strategy: "longest-idle",
                                                                  candidates: [.init(jid: "alice@localhost", capacity: 2)])),
                RoutingRules.Queue(Queue(name: "billing", messages: .routerTexts),
                                   plan: QueuePlan(queue: "billing", strategy: "longest-idle", candidates: [])),
            ],
            agents: [RoutingRules.Agent(jid: "alice@localhost", name: "Alice", capacity: 2),
                     RoutingRules.Agent(jid: "carol@localhost", name: "Carol", capacity: 2, isSupervisor: true)],
            canned: ["thanks": MessageTemplate(builtIn: "Thank you!")])
    }

    static func commands(_ client: XMPPClient, at address: JID) async throws -> [String] {
        var query = XMLElement("query", namespace: Namespace.discoItems)
        query[attribute: "node"] = Namespace.commands
        let result = try await client.request(IQ(type: .get, id: client.nextID(), to: address, payload: query))
        return result.payload?.elements.compactMap { $0[attribute: "node"] } ?? []
    }

    static func execute(_ client: XMPPClient, _ node: String, at address: JID, fields: [String: String] = [:], session: String? = nil)
        async throws -> XMLElement
    {
        var command = XMLElement("command", namespace: Namespace.commands, attributes: [XMLAttribute("node", node)])
        command[attribute: "sessionid"] = session
        command[attribute: "action"] = fields.isEmpty ? "execute" : "complete"
        if !fields.isEmpty {
            var form = XMLElement("x", namespace: Namespace.dataForms, attributes: [XMLAttribute("type", "submit")])
            for (name, value) in fields {
                var field = XMLElement("field", namespace: Namespace.dataForms, attributes: [XMLAttribute("var", name)])
                field.append(.text("value", namespace: Namespace.dataForms, value))
                form.append(field)
            }
            command.append(form)
        }
        let result = try await client.request(IQ(type: .set, id: client.nextID(), to: address, payload: command))
        return try #require(result.payload)
    }

    @Test(arguments: XMPPServerKind.allCases) func agentsDiscoverAndRunCommandsWithForms(_ server: XMPPServerKind) async throws {
        let accounts = ["visitor1": "secret", "alice": "secret", "carol": "secret"]
        try await RouterLiveTests.withRouter(on: server, accounts: accounts, rules: Self.rules) { prosody, store in
            let alice = try await RouterLiveTests.connect(prosody, "alice")
            let carol = try await RouterLiveTests.connect(prosody, "carol")
            let visitor = try await RouterLiveTests.connect(prosody, "visitor1")
            try await withCleanup {
                let service = try JID(domain: prosody.serviceDomain)
                #expect(try await Self.commands(alice, at: service) == ["status", "queues"])
                #expect(try await Self.commands(carol, at: service) == ["status", "queues", "agents", "monitor", "whisper"])
                #expect(try await Self.commands(visitor, at: service).isEmpty)

                try await RouterLiveTests.available(alice, domain: prosody.serviceDomain)
                let status = try await Self.execute(alice, "status", at: service)
                #expect(status[attribute: "status"] == "completed")
                #expect(status.child("note")?.text.hasPrefix("You are available") == true)

                try await visitor.send(Message(to: try JID("sales@\(prosody.serviceDomain)"), body: "help"))
                let chatAddress = try #require(try await alice.next("the chat") {
                    RouterLiveTests.body($0).flatMap { $0.body!.hasPrefix("New chat") ? $0.from : nil }
                })
                #expect(try await Self.commands(alice, at: chatAddress) == ["accept", "decline", "close", "transfer", "note", "canned", "who"])

                // A command that needs input answers with a form first. The transfer form lists only
                // other agents who can take the chat now (issue 17: it listed every agent, Alice
                // herself included, and Carol while the router did not see her).
                try await RouterLiveTests.available(carol, domain: prosody.serviceDomain)
                let asked = try await Self.execute(alice, "transfer", at: chatAddress)
                #expect(asked[attribute: "status"] == "executing")
                let field = try #require(asked.child("x", namespace: Namespace.dataForms)?.elements.first { $0.name == "field" })
                #expect(field[attribute: "var"] == "target" && field[attribute: "type"] == "list-single")
                let options = field.elements.filter { $0.name == "option" }.compactMap { $0.child("value")?.text }
                #expect(options.contains("billing") && options.contains("carol@localhost") && !options.contains("alice@localhost"), "\(options)")

                // The result says which chat it acted on, and the note shows in the agent's chat
                // (issue 17: a form's window outlives the chat's, and a stock client showed nothing).
                let noted = try await Self.execute(alice, "note", at: chatAddress, fields: ["text": "VIP"], session: asked[attribute: "sessionid"])
                let chatName = try #require(chatAddress.local)
                #expect(noted[attribute: "status"] == "completed" && noted.child("note")?.text == "Noted. (\(chatName), visitor1)")
                let chat = String(chatAddress.local!.dropFirst(5))
                #expect(try await store.transcript(chat).contains { $0.kind == .note && $0.text == "VIP" })
                let echoed = try await alice.message("the note in the chat", startingWith: "[router] Noted: ")
                #expect(echoed.body == "[router] Noted: VIP" && echoed.from == chatAddress)

                // A refusal in words is an error note, not a plain "completed" that reads as success.
                let accepted = try await Self.execute(alice, "accept", at: chatAddress)
                #expect(accepted[attribute: "status"] == "completed")
                #expect(accepted.child("note")?[attribute: "type"] == "error")
                #expect(accepted.child("note")?.text == "This chat cannot be accepted: it is active. (\(chatName), visitor1)")
                #expect(status.child("note")?[attribute: "type"] == "info")

                // Not an agent: refused.
                await #expect(throws: StanzaError.self) { _ = try await Self.execute(visitor, "close", at: chatAddress) }

                let closed = try await Self.execute(alice, "close", at: chatAddress)
                #expect(closed.child("note")?.text == "Closed. (\(chatName), visitor1)")
                #expect(try await store.chat(chat)?["state"] == "closed")
            } cleanup: {
                for client in [alice, carol, visitor] { await client.close() }
            }
        }
    }
}
