import Testing

@testable import Web

/// The WebSocket protocol's rules, without a socket.
@Suite struct VisitorSessionStateMachineTests {
    let session = WebSession(visitor: "web:1", queue: "support", name: "", email: "", chat: "")

    func greeted() -> VisitorSessionStateMachine {
        var machine = VisitorSessionStateMachine(limits: WebLimits(textBytes: 100))
        guard case .greet = machine.received(#"{"type":"hello","queue":"support"}"#) else {
            Issue.record("hello not taken")
            return machine
        }
        machine.greeted(token: "t", session: session)
        return machine
    }

    @Test func onlyHelloIsTakenBeforeTheSessionIsOpen() {
        var machine = VisitorSessionStateMachine(limits: WebLimits())
        #expect(machine.received(#"{"type":"message","id":"1","text":"hi"}"#) == .refuse(.helloFirst))
        #expect(machine.received(#"{"type":"end"}"#) == .refuse(.helloFirst))
        #expect(machine.state == .greeting)
        let hello = machine.received(#"{"type":"hello","queue":"sales","token":"abc","chat":"7","after":3,"name":"Ann"}"#)
        #expect(hello == .greet(.init(queue: "sales", token: "abc", chat: "7", after: 3, name: "Ann", email: nil)))
        #expect(machine.received(#"{"type":"hello","queue":"sales"}"#) == .refuse(.helloFirst), "one hello at a time")
        machine.greetingFailed()
        #expect(machine.state == .greeting)
    }

    @Test func malformedFramesAreRefusedWithTheirReason() {
        var machine = greeted()
        #expect(machine.received("{") == .refuse(.badJSON("not valid JSON")))
        #expect(machine.received("42") == .refuse(.badJSON("not valid JSON")))
        #expect(machine.received("[1]") == .refuse(.badJSON("expected a JSON object")))
        #expect(machine.received(#"{"text":"no type"}"#) == .refuse(.badRequest("a message needs a \"type\"")))
        #expect(machine.received(#"{"type":"dance"}"#) == .refuse(.unknownType("dance")))
        #expect(machine.received(#"{"type":"message","text":"no id"}"#) == .refuse(.badRequest("message needs \"id\"")))
        #expect(machine.received(#"{"type":"message","id":"1","text":"   "}"#) == .refuse(.badRequest("message needs a non-empty \"text\"")))
        #expect(machine.received(#"{"type":"message","id":1,"text":"x"}"#) == .refuse(.badRequest("\"id\" must be a string")))
        #expect(machine.received(#"{"type":"typing","state":"dancing"}"#) == .refuse(.badRequest("typing \"state\" is composing or paused")))
        #expect(machine.received(#"{"type":"hello","queue":"support"}"#) == .refuse(.alreadyGreeted))
        #expect(machine.receivedBinary() == .refuse(.notBinary))
        if case .open = machine.state {} else { Issue.record("the session stays open") }
    }

    @Test func textAboveTheLimitIsRefused() {
        var machine = greeted()
        let long = String(repeating: "é", count: 51)  // 102 bytes of UTF-8
        #expect(machine.received(#"{"type":"message","id":"1","text":"\#(long)"}"#) == .refuse(.tooLarge(limit: 100)))
        let fits = String(repeating: "é", count: 50)
        #expect(machine.received(#"{"type":"message","id":"1","text":"\#(fits)"}"#) == .say(id: "1", text: fits, upload: nil, session: session))
        let frame = String(repeating: " ", count: 2000) + #"{"type":"end"}"#
        #expect(machine.received(frame) == .refuse(.tooLarge(limit: 1224)), "the whole frame is bounded too")
    }

    @Test func typingTooFastIsDroppedQuietly() {
        var machine = greeted()
        let start = ContinuousClock.now
        for _ in 0..<10 {
            #expect(machine.received(#"{"type":"typing","state":"composing"}"#, now: start) == .typing(.composing, session: session))
        }
        #expect(machine.received(#"{"type":"typing","state":"composing"}"#, now: start) == .ignore)
        #expect(machine.received(#"{"type":"typing","state":"paused"}"#, now: start + .seconds(11)) == .typing(.paused, session: session))
    }

    @Test func aNewChatIsFollowed() {
        var machine = greeted()
        machine.chatChanged(to: "42")
        #expect(machine.received(#"{"type":"end"}"#) == .end(id: nil, session: WebSession(visitor: "web:1", queue: "support", name: "", email: "", chat: "42")))
        #expect(machine.received(#"{"type":"end","id":"end-42"}"#) == .end(id: "end-42", session: WebSession(visitor: "web:1", queue: "support", name: "", email: "", chat: "42")))
    }
}
