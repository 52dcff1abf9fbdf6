import Synchronization

/// Delivery counts and latencies of this process since it started, per hook, for `/metrics`.
public final class DeliveryMetrics: Sendable {
    /// Upper bounds in seconds of the histograms' buckets: a POST takes milliseconds to a timeout;
    /// an event's age at delivery reaches the 24 h retry period.
    static let requestBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    static let ageBounds: [Double] = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600]

    struct Histogram: Sendable {
        var counts: [Int]
        var count = 0
        var sum = 0.0

        init(bounds: Int) { counts = Array(repeating: 0, count: bounds) }

        mutating func observe(_ value: Double, bounds: [Double]) {
            for (index, bound) in bounds.enumerated() where value <= bound { counts[index] += 1 }
            count += 1
            sum += value
        }
    }

    struct Hook: Sendable {
        var delivered = 0
        var failedAttempts = 0
        var deadLettered = 0
        var request = Histogram(bounds: DeliveryMetrics.requestBounds.count)
        var age = Histogram(bounds: DeliveryMetrics.ageBounds.count)
    }

    let hooks: Mutex<[String: Hook]>

    public init(hooks names: [String]) {
        hooks = Mutex(Dictionary(uniqueKeysWithValues: names.map { ($0, Hook()) }))
    }

    /// `request`: how long the successful POST took; `age`: from the event to its delivery.
    func delivered(_ hook: String, request: Duration, age: Duration) {
        hooks.withLock {
            $0[hook, default: Hook()].delivered += 1
            $0[hook, default: Hook()].request.observe(request.seconds, bounds: Self.requestBounds)
            $0[hook, default: Hook()].age.observe(max(0, age.seconds), bounds: Self.ageBounds)
        }
    }

    func failedAttempt(_ hook: String) { hooks.withLock { $0[hook, default: Hook()].failedAttempts += 1 } }
    func deadLettered(_ hook: String) { hooks.withLock { $0[hook, default: Hook()].deadLettered += 1 } }

    /// Prometheus text; `waiting` (chats with events not yet delivered, per hook) and `deadLetters`
    /// are read from Redis at scrape time.
    func text(waiting: [String: Int], deadLetters: Int) -> String {
        let hooks = self.hooks.withLock { $0 }.sorted { $0.key < $1.key }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ lines: () -> Void) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            lines()
        }
        func label(_ hook: String) -> String { "hook=\"\(hook)\"" }
        family("switchboard_webhook_deliveries_total", "counter", "Events a hook accepted (2xx), since this process started.") {
            for (name, hook) in hooks { out += "switchboard_webhook_deliveries_total{\(label(name))} \(hook.delivered)\n" }
        }
        family("switchboard_webhook_failed_attempts_total", "counter", "Attempts answered with an error, a timeout or no connection.") {
            for (name, hook) in hooks { out += "switchboard_webhook_failed_attempts_total{\(label(name))} \(hook.failedAttempts)\n" }
        }
        family("switchboard_webhook_dead_letters_total", "counter", "Events given up after the retry period, since this process started.") {
            for (name, hook) in hooks { out += "switchboard_webhook_dead_letters_total{\(label(name))} \(hook.deadLettered)\n" }
        }
        family("switchboard_webhook_request_seconds", "histogram", "How long a successful POST took.") {
            for (name, hook) in hooks { histogram(&out, "switchboard_webhook_request_seconds", label(name), hook.request, Self.requestBounds) }
        }
        family("switchboard_webhook_delivery_age_seconds", "histogram", "From the routing event to its delivery, retries included.") {
            for (name, hook) in hooks { histogram(&out, "switchboard_webhook_delivery_age_seconds", label(name), hook.age, Self.ageBounds) }
        }
        family("switchboard_webhook_waiting_chats", "gauge", "Chats with events not yet delivered to the hook.") {
            for (name, _) in hooks { out += "switchboard_webhook_waiting_chats{\(label(name))} \(waiting[name] ?? 0)\n" }
        }
        family("switchboard_webhook_dead_letters", "gauge", "Dead letters kept in Redis, all hooks (switchboard webhooks failed).") {
            out += "switchboard_webhook_dead_letters \(deadLetters)\n"
        }
        return out
    }

    private func histogram(_ out: inout String, _ name: String, _ label: String, _ histogram: Histogram, _ bounds: [Double]) {
        for (bound, count) in zip(bounds, histogram.counts) {
            out += "\(name)_bucket{\(label),le=\"\(bound)\"} \(count)\n"
        }
        out += "\(name)_bucket{\(label),le=\"+Inf\"} \(histogram.count)\n"
        out += "\(name)_sum{\(label)} \(histogram.sum)\n"
        out += "\(name)_count{\(label)} \(histogram.count)\n"
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
