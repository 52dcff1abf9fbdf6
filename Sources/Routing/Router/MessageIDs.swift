import Synchronization

/// An `id` for every message the router sends: clients name messages by id in receipts,
/// corrections and de-duplication, and some drop or merge messages without one. A random
/// prefix per router, then a counter: unique across routers sharing a domain, with no lookup,
/// and short (every byte of a relayed line costs Prosody capacity).
final class MessageIDs: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    init() {
        prefix = "sb" + String(UInt64.random(in: 0..<(1 << 48)), radix: 36) + "-"
    }

    func next() -> String {
        prefix + String(counter.add(1, ordering: .relaxed).newValue, radix: 36)
    }
}
