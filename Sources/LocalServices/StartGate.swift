/// Lets a few heavy starts run at once and queues the rest: an ejabberd node's start is ~1.5 s of
/// CPU, and dozens of tests starting one together on two cores would starve everything else
/// running (other tests' timeouts included) rather than finish sooner.
actor StartGate {
    private let width: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) {
        self.width = max(1, width)
    }

    /// Runs `body` once fewer than `width` others are inside.
    func run<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        if running < width {
            running += 1
        } else {
            // The slot is handed over by `leave`, so `running` is already counted for us.
            await withCheckedContinuation { waiting.append($0) }
        }
        defer { leave() }
        return try await body()
    }

    private func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
