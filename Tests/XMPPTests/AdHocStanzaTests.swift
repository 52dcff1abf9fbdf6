import Testing
import XMPP

/// Service discovery (XEP-0030), ad-hoc commands (XEP-0050) and data forms (XEP-0004) in and out.
@Suite struct AdHocStanzaTests {
    @Test func aCommandRequestAndItsResponses() throws {
        var request = XMLElement("command", namespace: Namespace.commands, attributes: [
            XMLAttribute("node", "transfer"), XMLAttribute("sessionid", "s1"), XMLAttribute("action", "complete"),
        ])
        request.append(DataForm.submission(["target": "billing", "note": "VIP"]))
        let command = try #require(AdHocCommand(request: request))
        #expect(command.node == "transfer" && command.sessionID == "s1" && command.action == "complete")
        #expect(command.values == ["target": "billing", "note": "VIP"])
        #expect(AdHocCommand(request: XMLElement("command", namespace: Namespace.commands)) == nil, "no node")

        #expect(command.canceled(session: "s1")[attribute: "status"] == "canceled")
        let form = DataForm(title: "Transfer", fields: [
            .init(name: "target", label: "To", options: [.init(value: "billing", label: "Queue Billing")]),
            .init(name: "why", label: "Why"),
        ])
        let asking = command.asking(form, session: "s1")
        #expect(asking[attribute: "status"] == "executing" && asking.child("actions")?[attribute: "execute"] == "complete")
        let fields = try #require(asking.child("x", namespace: Namespace.dataForms)).elements.filter { $0.name == "field" }
        #expect(fields.map { $0[attribute: "type"] } == ["list-single", "text-single"])
        #expect(fields[0].elements.first { $0.name == "option" }?.child("value")?.text == "billing")

        let done = command.completed(note: "Transferred to billing.", payload: [XMLElement("extra", namespace: "urn:example")], session: "s1")
        #expect(done[attribute: "status"] == "completed" && done[attribute: "node"] == "transfer" && done[attribute: "sessionid"] == "s1")
        #expect(done.child("note")?.text == "Transferred to billing." && done.child("note")?[attribute: "type"] == "info")
        #expect(done.child("extra", namespace: "urn:example") != nil)
    }

    @Test func discoveryAnswers() throws {
        let info = DiscoInfo(node: nil, identity: .init(category: "client", type: "bot", name: "Switchboard"), features: [Namespace.commands])
        #expect(info.element.child("identity")?[attribute: "type"] == "bot")
        #expect(info.element.elements.filter { $0.name == "feature" }.map { $0[attribute: "var"] } == [Namespace.commands])
        let items = DiscoItems(node: Namespace.commands, items: [.init(jid: try JID("chat-5@support.localhost"), node: "close", name: "Close")])
        #expect(items.element[attribute: "node"] == Namespace.commands)
        #expect(Array(items.element.elements).first?[attribute: "jid"] == "chat-5@support.localhost")
    }
}
