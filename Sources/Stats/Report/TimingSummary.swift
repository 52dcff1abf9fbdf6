import Histogram

/// Count, mean, percentiles and maximum of one timing, in seconds (nil when there is no sample).
///
/// Samples are whole milliseconds. Count, mean and max are exact. Percentiles come from an
/// HdrHistogram with 3 significant digits, by nearest rank (the smallest sample at or above p% of
/// them): exact for samples under 2.048 s, otherwise the top of the sample's bucket, at most 1/1024
/// (under 0.1%) above it and never above the maximum.
public struct TimingSummary: Sendable, Hashable, Codable {
    public var count: Int
    @NullEncoded public var mean: Double?
    @NullEncoded public var p50: Double?
    @NullEncoded public var p90: Double?
    @NullEncoded public var p99: Double?
    @NullEncoded public var max: Double?
}

/// Collects one timing's samples (ms) and summarises them.
struct TimingAccumulator: Sendable {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    private var sum: Int64 = 0
    private(set) var count = 0

    mutating func record(_ milliseconds: Int64) {
        let value = Swift.max(0, milliseconds)  // a clock step back must not crash or go negative
        _ = histogram.record(UInt64(value))
        sum += value
        count += 1
    }

    func percentile(_ p: Double) -> Double? {
        count == 0 ? nil : Self.seconds(histogram.valueAtPercentile(p))
    }

    var mean: Double? { count == 0 ? nil : Double(sum) / Double(count) / 1000 }

    var summary: TimingSummary {
        guard count > 0 else { return TimingSummary(count: 0) }
        return TimingSummary(
            count: count, mean: mean, p50: percentile(50), p90: percentile(90), p99: percentile(99),
            max: Self.seconds(histogram.maxRecorded))
    }

    private static func seconds(_ milliseconds: UInt64) -> Double { Double(milliseconds) / 1000 }
}
