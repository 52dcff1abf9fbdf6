/// The upper bounds (ms) of the Prometheus histogram buckets the applying script counts timings
/// into for `/metrics`; `+Inf` is implied.
enum MetricsBuckets {
    static let bounds: [Int64] = [1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000]
}
