import Synchronization

/// How a fault-run visitor reaches the service: XMPP (`FaultXMPPChannel`) or the widget's
/// WebSocket through a web node (`FaultWebChannel`). Each settles `confirmations` as the service
/// answers: `r:ID` when line `ID` is kept, `a:CHAT:SEQ` when the agent's answer arrives,
/// `end:CHAT` when the chat is closed.
protocol FaultVisitorChannel: Sendable {
    var isWeb: Bool { get }
    /// Makes ready for chat `chat` (a web visitor opens a page: a socket and a session).
    func open(chat: Int) async throws
    /// One attempt at sending a line.
    func send(id: String, body: String) async throws
    /// One attempt at ending chat `chat`.
    func end(chat: Int) async throws
    func close() async
}

/// A visitor of the fault run: one chat after another until the load ends. Each line is sent
/// again every 2 s until the service confirms it (as the widget and a careful client do), then
/// its answer is awaited; the chat is ended (again, until closed) after the last answer.
final class FaultVisitor: Sendable {
    /// How long a visitor waits for an answer: the first line's waits for an agent to be free.
    static let firstAnswerWait: Duration = .seconds(120)
    static let answerWait: Duration = .seconds(20)
    static let resendEvery: Duration = .seconds(2)

    let index: Int
    let channel: any FaultVisitorChannel
    let confirmations: Confirmations
    private let ledger: FaultLedger
    /// How long an `/end` waits for the chat to close before it goes again.
    let endRetry: Duration

    init(
        index: Int, channel: any FaultVisitorChannel, confirmations: Confirmations, ledger: FaultLedger,
        endRetry: Duration = .seconds(10)
    ) {
        self.index = index
        self.channel = channel
        self.confirmations = confirmations
        self.ledger = ledger
        self.endRetry = endRetry
    }

    /// The line key of a message id `cCHAT-SEQ`.
    static func key(ofID id: String) -> FaultLedger.LineKey? {
        guard id.hasPrefix("c"), let dash = id.firstIndex(of: "-"),
            let chat = Int(id[id.index(after: id.startIndex)..<dash]), let sequence = Int(id[id.index(after: dash)...])
        else { return nil }
        return FaultLedger.LineKey(chat: chat, sequence: sequence)
    }

    /// Chats until `loadEnd`; the chat in progress then is finished, but nothing waits past `stop`.
    func run(chats: ChatNumbers, messages: Int, loadEnd: ContinuousClock.Instant, stop: ContinuousClock.Instant) async {
        while ContinuousClock.now < loadEnd {
            let chat = chats.next()
            do {
                try await channel.open(chat: chat)
            } catch {
                ledger.error("visitor \(index) could not open chat \(chat): \(error)")
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            ledger.chatStarted(chat, web: channel.isWeb, at: BenchClock.now())
            for sequence in 0..<messages {
                let key = FaultLedger.LineKey(chat: chat, sequence: sequence)
                guard await deliver(key, stop: stop) else { break }
                let wait = sequence == 0 ? Self.firstAnswerWait : Self.answerWait
                _ = await confirmations.wait(for: "a:\(chat):\(sequence)", upTo: bounded(wait, stop))
                try? await Task.sleep(for: .milliseconds(200))  // reading the answer, typing the next line
            }
            // Marked ended before the `/end` goes: the router frees the agent's seat only after it,
            // so an agent's count of held chats never runs ahead of the router's.
            ledger.chatEnded(chat, at: BenchClock.now())
            await end(chat, stop: stop)
            try? await Task.sleep(for: .milliseconds(300))
        }
    }

    /// Sends a line until it is confirmed; false if `stop` came first.
    private func deliver(_ key: FaultLedger.LineKey, stop: ContinuousClock.Instant) async -> Bool {
        let id = "c\(key.chat)-\(key.sequence)"
        let body = BenchText(sender: .visitor, chat: key.chat, sequence: key.sequence).body
        while ContinuousClock.now < stop {
            ledger.sent(key, at: BenchClock.now())
            do {
                try await channel.send(id: id, body: body)
            } catch {
                // Disconnected (ejabberd restarting): the next attempt goes on the next connection.
            }
            if await confirmations.wait(for: "r:\(id)", upTo: bounded(Self.resendEvery, stop)) { return true }
        }
        return false
    }

    /// Ends `chat`, again every `endRetry` until the service confirms it or `stop`: every attempt
    /// carries the chat's one end id, which the router applies once, so a late copy ends no chat
    /// opened since, however long the outage (ejabberd was down ~25 s in a run).
    func end(_ chat: Int, stop: ContinuousClock.Instant) async {
        var attempts = 0
        while ContinuousClock.now < stop {
            attempts += 1
            try? await channel.end(chat: chat)
            if await confirmations.wait(for: "end:\(chat)", upTo: bounded(endRetry, stop)) { return }
        }
        if attempts > 0 { ledger.error("visitor \(index): chat \(chat) was not closed by the run's stop (\(attempts) ends)") }
    }

    private func bounded(_ wait: Duration, _ stop: ContinuousClock.Instant) -> Duration {
        max(.zero, min(wait, stop - ContinuousClock.now))
    }
}

/// The run-wide numbers of chats, shared by every visitor.
final class ChatNumbers: Sendable {
    private let last = Atomic<Int>(0)

    func next() -> Int {
        last.add(1, ordering: .relaxed).newValue
    }
}
