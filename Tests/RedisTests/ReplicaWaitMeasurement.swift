import Foundation
import NIOPosix
import Redis
import SwitchboardTesting
import Testing

/// A measurement, not a check (run by hand: `SB_MEASURE_REPLICA_WAIT=1 swift test --skip-build
/// --filter ReplicaWaitMeasurement`): eight writers send acknowledged scripts (`min_replicas_ack`
/// 1, 1 s timeout) to a Sentinel group, ~20 ms apart each; the master is killed at 5 s and
/// restarted once the sentinels name the replica master, as the bench's fault run does. Prints
/// the writes completed in each second. It asserts nothing about time.
@Suite struct ReplicaWaitMeasurement {
    static let enabled = ProcessInfo.processInfo.environment["SB_MEASURE_REPLICA_WAIT"] == "1"

    @Test(.enabled(if: enabled, "a measurement, run by hand"), .timeLimit(.minutes(3)))
    func writesPerSecondAroundAMasterKill() async throws {
        let seconds = 35
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withRedisSentinel { group in
            try await withClient(group.url, eventLoopGroup: loop, configure: { $0.connectionWait = .seconds(60) }) { client in
                let script = RedisScript(name: "count", source: "return redis.call('INCR', KEYS[1])")
                let acknowledgement = try #require(ReplicaAcknowledgement(replicas: 1, timeout: .seconds(1)))
                let start = ContinuousClock.now
                let end = start + .seconds(seconds)
                let counts = try await withThrowingTaskGroup(of: [Int].self) { tasks in
                    for writer in 0..<8 {
                        tasks.addTask {
                            var counts = Array(repeating: 0, count: seconds + 1)
                            while ContinuousClock.now < end {
                                do {
                                    try await client.evalScript(script, keys: ["w\(writer)"], acknowledgement: acknowledgement)
                                    counts[min(seconds, Int((ContinuousClock.now - start).components.seconds))] += 1
                                } catch {
                                    // A write in flight when the master died: lost or refused; the next one goes on.
                                }
                                try await Task.sleep(for: .milliseconds(20))
                            }
                            return counts
                        }
                    }
                    tasks.addTask {
                        try await Task.sleep(until: start + .seconds(5))
                        try await Self.killAndRestartMaster(of: group)
                        print("replica wait measurement: old master restarted at \(ContinuousClock.now - start)")
                        return []
                    }
                    var total = Array(repeating: 0, count: seconds + 1)
                    for try await counts in tasks {
                        for (second, count) in counts.enumerated() { total[second] += count }
                    }
                    return total
                }
                print("replica wait measurement: writes per second \(counts.prefix(seconds).map(String.init).joined(separator: " "))")
            }
        }
        try await loop.shutdownGracefully()
    }

    /// As `FaultDeployment.killMaster`: the old master comes back only once every sentinel names
    /// the replica master, then Sentinel makes it a replica (which syncs before it acknowledges).
    private static func killAndRestartMaster(of group: RedisSentinelGroup) async throws {
        await group.master.kill()
        let promoted = String(group.replica.port)
        for sentinel in group.sentinels {
            try await withClient("redis://127.0.0.1:\(sentinel.port)") { client in
                while try await client.send("SENTINEL", "get-master-addr-by-name", RedisSentinelGroup.masterName).array?.last?.string != promoted {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        try await group.master.restart()
    }
}
