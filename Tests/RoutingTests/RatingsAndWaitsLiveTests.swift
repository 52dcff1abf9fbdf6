import AgentProtocol
@testable import Routing
import RoutingTesting
import SwitchboardTesting
import Testing
import XMPP

/// Ratings and honest waits on a live router (Prosody, Redis, our XMPP clients): a rating over
/// XMPP after the close, `max_wait` ending a wait with an offer to leave a message, `reply_timeout`
/// taking a chat back from an agent who stays silent, and `{eta}` from the queue's recent answers.
@Suite struct RatingsAndWaitsLiveTests: LiveRouterSuite {
    static let yaml = """
        queues:
          - name: rate
            skills: [rate]
            csat: true
            csat_window: 10m
          - name: help
            skills: [help]
            reply_timeout: 2s
          - name: slow
            skills: [slow]
            max_wait: 1s
          - name: busy
            skills: [busy]
        agents:
          - jid: ben@localhost
            name: Ben
            skills: { rate: 5, help: 5, busy: 5 }
            max_chats: 3
          - jid: uwe@localhost
            name: Uwe
            skills: { help: 5, slow: 5 }
        """

    @Test func aDigitAfterTheCloseRatesTheChatAndOpensNone() async throws {
        try await Self.withRouter(accounts: Self.accounts(["ben", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let ben = try await live.agent("ben")
            let visitor = try await live.connect("visitor1")
            let help = try live.address("rate")
            try await visitor.send(Message(to: help, body: "My order is late"))
            let chatAddress = try #require(try await ben.offer("the chat").from)
            let chat = try #require(chatAddress.chatID)
            try await ben.send(Message(to: chatAddress, body: "Let me look"))
            _ = try await visitor.message("Ben's line", startingWith: "Let me look")
            try await ben.send(Message(to: chatAddress, body: "/close"))
            _ = try await visitor.message("the closing text", startingWith: "This chat has ended")
            _ = try await visitor.message("the question", startingWith: "How would you rate this chat")

            try await visitor.send(Message(to: help, body: "4 quick and kind"))
            let thanks = try await visitor.message("the thanks", startingWith: "Thank you for your rating")
            #expect(thanks.from == help)
            let rated = try await live.event("the rating") { $0["type"] == "rated" && $0["chat"] == chat }
            #expect(rated["score"] == "4" && rated["previous"] == "0" && rated["comment"] == "quick and kind")
            #expect(rated["agent"] == "ben@localhost" && rated["queue"] == "rate")
            #expect(try await live.store.openChat(queue: "rate", visitor: "visitor1@localhost") == nil, "a rating opens no chat")

            // The last rating within the window counts: it names the one it replaces.
            try await visitor.send(Message(to: help, body: "5"))
            _ = try await visitor.message("the thanks again", startingWith: "Thank you for your rating")
            let again = try await live.event("the second rating") { $0["type"] == "rated" && $0["score"] == "5" }
            #expect(again["previous"] == "4" && again["chat"] == chat)
            let fields = try #require(try await live.store.chat(chat))
            #expect(fields["rating"] == "5" && fields["rating_comment"] == "")

            // Writing anything else opens a new chat, and from then on a digit is for its agent.
            try await visitor.send(Message(to: help, body: "One more question"))
            let second = try #require(try await ben.offer("the new chat").from)
            try await visitor.send(Message(to: help, body: "3"))
            let relayed = try await ben.message("the digit, relayed", startingWith: "3")
            #expect(relayed.from == second && second != chatAddress)
        }
    }

    @Test func aWaitPastMaxWaitEndsAndTheNextMessageIsKept() async throws {
        try await Self.withRouter(accounts: Self.accounts(["visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let visitor = try await live.connect("visitor1")
            let slow = try live.address("slow")
            try await visitor.send(Message(to: slow, body: "Is anyone there?"))
            // Not waiting for the welcome first: on a slow machine the wait may run out before it is sent.
            let told = try await visitor.message("the max wait text", startingWith: "Sorry, no agent could take your chat in time")
            #expect(told.from == slow)
            let closed = try await live.event("the close") { $0["type"] == "closed" }
            #expect(closed["by"] == "system" && closed["abandoned"] == "1" && closed["reason"] == "max_wait")
            let first = try #require(closed["chat"])
            #expect(try await live.store.chat(first)?["state"] == "closed")

            // The next message is a message left: kept in a chat of its own that waits with no max wait.
            try await visitor.send(Message(to: slow, body: "Please call me back on 030 1234"))
            _ = try await visitor.message("the message kept", startingWith: "Thank you, your message is kept")
            let left = try #require(try await live.store.openChat(queue: "slow", visitor: "visitor1@localhost"))
            #expect(left.id != first)
            #expect(try await live.store.transcript(left.id).map(\.text) == ["Please call me back on 030 1234"])
            let timers = try await live.redis.send("SMEMBERS", live.store.keys.chatTimers(left.id)).array?.compactMap(\.string) ?? []
            #expect(!timers.contains("maxwait|\(left.id)"), "a message left has no max wait")
        }
    }

    @Test func anAgentWhoDoesNotWriteWithinTheReplyTimeoutLosesTheChat() async throws {
        try await Self.withRouter(accounts: Self.accounts(["ben", "uwe", "visitor1"]), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            // Both able, neither routed to yet: Ben, listed first, gets the chat.
            let ben = try await live.agent("ben")
            let uwe = try await live.agent("uwe")
            let visitor = try await live.connect("visitor1")
            let help = try live.address("help")
            try await visitor.send(Message(to: help, body: "Hello?"))
            let chatAddress = try #require(try await ben.offer("the chat, for Ben").from)
            let chat = try #require(chatAddress.chatID)
            _ = try await visitor.message("Ben's name", startingWith: "You are now chatting with Ben")

            // Ben stays silent past 2 s: the chat is his no longer, and Uwe gets it.
            let lost = try await ben.message("the chat taken back", startingWith: "[router] You did not write to the visitor")
            #expect(lost.from == chatAddress && AgentEvent(in: lost.element)?.kind == .offerExpired)
            let offer = try await uwe.offer("the chat, for Uwe")
            #expect(offer.from == chatAddress && offer.body?.contains("Hello?") == true)
            let assigned = try await visitor.message("Uwe's name", startingWith: "You are now chatting with")
            #expect(assigned.body == "You are now chatting with Uwe.")
            // The first missed chat is Ben's. (Uwe's own reply timer runs too: whether he writes
            // within it is the script's business, ReplyAndMaxWaitTimerTests, not a race to run here.)
            let missed = try await live.event("the missed chat") { $0["type"] == "offer_timeout" && $0["chat"] == chat }
            #expect(missed["agent"] == "ben@localhost" && missed["reason"] == "no-reply")
            let given = try await live.event("the chat given to Uwe") { $0["type"] == "assigned" && $0["agent"] == "uwe@localhost" }
            #expect(given["chat"] == chat)
        }
    }

    /// The hand-worked scenario of the README: Ben answered 3 chats at once in the last 30 minutes
    /// and is the one agent able to serve; the fourth visitor waits first in line. Each of Ben's
    /// answers took 1800 s × 1 agent / 3 answers = 600 s of his time, so place 1 waits 600 s:
    /// "about 10 minutes".
    @Test func theWelcomeEstimatesTheWaitFromTheQueuesRecentAnswers() async throws {
        let visitors = (1...4).map { "visitor\($0)" }
        try await Self.withRouter(accounts: Self.accounts(["ben"] + visitors), rules: Self.workflow(Self.yaml)) { (live: LiveRouter) in
            let ben = try await live.agent("ben")
            let busy = try live.address("busy")
            for name in visitors.prefix(3) {
                let visitor = try await live.connect(name)
                try await visitor.send(Message(to: busy, body: "Hi from \(name)"))
                // No history yet for the first; each is answered at once.
                _ = try await visitor.message("the welcome of \(name)", startingWith: "Welcome")
                _ = try await ben.offer("the chat of \(name)")
            }
            let fourth = try await live.connect("visitor4")
            // The router reads a queue's figures at most once a second (`RecentWaitFigures`): the
            // third welcome's read, made before Ben's third answer, is used until then.
            try await Task.sleep(for: RecentWaitFigures.freshness + .milliseconds(100))
            try await fourth.send(Message(to: busy, body: "Anyone?"))
            let welcome = try await fourth.message("the welcome with an estimate", startingWith: "Welcome")
            #expect(welcome.body?.hasSuffix("You are number 1 in line. Estimated wait: about 10 minutes.") == true, "\(welcome.body ?? "")")
        }
    }
}
