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

                // A command that needs input answers with a form first.
                let asked = try await Self.execute(alice, "transfer", at: chatAddress)
                #expect(asked[attribute: "status"] == "executing")
                let field = try #require(asked.child("x", namespace: Namespace.dataForms)?.elements.first { $0.name == "field" })
                #expect(field[attribute: "var"] == "target" && field[attribute: "type"] == "list-single")
                let options = field.elements.filter { $0.name == "option" }.compactMap { $0.child("value")?.text }
                #expect(options.contains("billing") && options.contains("alice@localhost"))

                let noted = try await Self.execute(alice, "note", at: chatAddress, fields: ["text": "VIP"], session: asked[attribute: "sessionid"])
                #expect(noted[attribute: "status"] == "completed" && noted.child("note")?.text == "Noted.")
                let chat = String(chatAddress.local!.dropFirst(5))
                #expect(try await store.transcript(chat).contains { $0.kind == .note && $0.text == "VIP" })

                // Not an agent: refused.
                await #expect(throws: StanzaError.self) { _ = try await Self.execute(visitor, "close", at: chatAddress) }

                let closed = try await Self.execute(alice, "close", at: chatAddress)
                #expect(closed.child("note")?.text == "Closed.")
                #expect(try await store.chat(chat)?["state"] == "closed")
            } cleanup: {
                for client in [alice, carol, visitor] { await client.close() }
            }
        }
    }
}
