import Histogram
import Synchronization

/// Latencies of one kind (time to offer, one relay direction), in an HdrHistogram of microseconds.
final class LatencyRecorder: Sendable {
    private let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three))

    /// Records the time from `sentAt` (a `BenchClock` reading) until now.
    func record(since sentAt: UInt64, now: UInt64 = BenchClock.now()) {
        let micros = now > sentAt ? (now - sentAt) / 1_000 : 0
        histogram.withLock { _ = $0.record(micros) }
    }

    var summary: LatencySummary {
        histogram.withLock { LatencySummary($0) }
    }
}

/// Percentiles of a latency histogram, in milliseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    public var count: UInt64
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    init(_ histogram: Histogram<UInt64>) {
        count = histogram.totalCount
        func millis(_ micros: UInt64) -> Double { Double(micros) / 1_000 }
        p50 = count == 0 ? 0 : millis(histogram.valueAtPercentile(50))
        p90 = count == 0 ? 0 : millis(histogram.valueAtPercentile(90))
        p99 = count == 0 ? 0 : millis(histogram.valueAtPercentile(99))
        max = count == 0 ? 0 : millis(histogram.max)
    }

    /// The value at a percentile (100: the maximum), nil when nothing was recorded.
    func value(_ percentile: Double) -> Double? {
        guard count > 0 else { return nil }
        return switch percentile {
        case 50: p50
        case 90: p90
        case 99: p99
        default: max
        }
    }
}
