import Foundation

/// A Redis master, one replica and three sentinels (quorum 2) on free loopback ports in a run
/// directory, for failover tests and the bench's fault run: `url` is the `redis-sentinel://` URL
/// a client is given. Every process is stopped by its PID.
public final class RedisSentinelGroup: Sendable {
    public static let masterName = "sbmaster"
    /// Sentinel's `down-after-milliseconds`: how long a silent master takes to be deemed down.
    public static let downAfter: Duration = .seconds(1)

    public let master: RedisServer
    public let replica: RedisServer
    public let sentinels: [Sentinel]

    /// One `redis-sentinel` process (`redis-server CONF --sentinel`).
    public struct Sentinel: Sendable {
        public let port: Int
        public let process: ChildProcess
        public let log: String
    }

    /// `redis-sentinel://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/0#sbmaster`; for a secured group
    /// `rediss-sentinel://USER:PASSWORD@…`.
    public var url: String {
        let credentials = master.secured.map { "\($0.user):\($0.password)@" } ?? ""
        return (master.secured == nil ? "redis-sentinel://" : "rediss-sentinel://") + credentials
            + sentinels.map { "127.0.0.1:\($0.port)" }.joined(separator: ",") + "/0#\(Self.masterName)"
    }

    private init(master: RedisServer, replica: RedisServer, sentinels: [Sentinel]) {
        self.master = master
        self.replica = replica
        self.sentinels = sentinels
    }

    /// For a secured group: replication over TLS as the ACL user. The replica's `masterauth` is on
    /// its command line (a test's throwaway password; a deployment puts it in redis.conf).
    private static func replicationArguments(_ secured: RedisServer.Secured?) -> [String] {
        guard let secured else { return [] }
        return ["--tls-replication", "yes", "--masteruser", secured.user, "--masterauth", secured.password]
    }

    /// Starts the master, its replica and the sentinels, and returns once the replica is in sync
    /// and every sentinel knows the replica and the two other sentinels (a failover needs both).
    public static func start(
        in runDirectory: RunDirectory, secured: RedisServer.Secured? = nil, extraArguments: [String] = []
    ) async throws -> RedisSentinelGroup {
        let replication = replicationArguments(secured)
        let master = try await RedisServer.start(in: runDirectory, secured: secured, extraArguments: extraArguments + replication)
        var replica: RedisServer?
        var sentinels: [Sentinel] = []
        do {
            let started = try await RedisServer.start(
                in: runDirectory, secured: secured, extraArguments: extraArguments + replication + ["--replicaof", "127.0.0.1", String(master.port)])
            replica = started
            for _ in 1...3 { sentinels.append(try await startSentinel(watching: master.port, secured: secured, in: runDirectory)) }
            let group = RedisSentinelGroup(master: master, replica: started, sentinels: sentinels)
            try await group.waitUntilWatched()
            return group
        } catch {
            for sentinel in sentinels { await sentinel.process.stop() }
            await replica?.stop()
            await master.stop()
            throw error
        }
    }

    /// Stops every process; safe to call more than once.
    public func stop() async {
        for sentinel in sentinels { await sentinel.process.stop() }
        await replica.stop()
        await master.stop()
    }

    /// The sentinels learn of each other and of the replica through the master (hello messages,
    /// `INFO`), which takes a few seconds; a failover before that has no quorum or no replica.
    private func waitUntilWatched() async throws {
        // The whole log, not a ServerLog from now: the replica may have synced before this looks.
        // Both sides: the replica loads the data a moment before the master counts it online (and
        // lists it in `ROLE`); a client connecting in between sees no replica and, with
        // `min_replicas_ack`, writes unconfirmed for a while.
        let replicaLog = "\(replica.directory)/redis.log", masterLog = "\(master.directory)/redis.log"
        try await within(.seconds(120), "the replica in sync and every sentinel aware of the others") {
            while !self.isWatched(replicaLog: replicaLog, masterLog: masterLog) { try await Task.sleep(for: .milliseconds(50)) }
        }
    }

    private func isWatched(replicaLog: String, masterLog: String) -> Bool {
        let synced = (try? String(contentsOfFile: replicaLog, encoding: .utf8))?.contains("MASTER <-> REPLICA sync: Finished with success")
        let online = (try? String(contentsOfFile: masterLog, encoding: .utf8))?.contains("Synchronization with replica 127.0.0.1:\(replica.port) succeeded")
        guard synced == true, online == true else { return false }
        return sentinels.allSatisfy { sentinel in
            let text = (try? String(contentsOfFile: sentinel.log, encoding: .utf8)) ?? ""
            return text.contains("+slave ") && text.components(separatedBy: "+sentinel ").count - 1 >= 2
        }
    }

    private static func startSentinel(
        watching masterPort: Int, secured: RedisServer.Secured?, in runDirectory: RunDirectory
    ) async throws -> Sentinel {
        // A free port can be taken by another program before the sentinel binds it: then try new ones.
        for attempt in 1...3 {
            let port = try Ports.free()
            let directory = try runDirectory.newFolder("sentinel-\(port)")
            let configuration = "\(directory)/sentinel.conf"
            // The sentinel rewrites its own file (it records what it learns), so each has a copy.
            // Secured: TLS only, to clients, the servers and the other sentinels alike.
            let tls = secured.map { secured in
                """
                port 0
                tls-port \(port)
                tls-cert-file \(secured.authority.certificateFile)
                tls-key-file \(secured.authority.keyFile)
                tls-ca-cert-file \(secured.authority.caFile)
                tls-auth-clients no
                tls-replication yes

                """
            } ?? "port \(port)\n"
            let auth = secured.map { "sentinel auth-user \(masterName) \($0.user)\nsentinel auth-pass \(masterName) \($0.password)\n" } ?? ""
            try """
                \(tls)bind 127.0.0.1
                daemonize no
                dir \(directory)
                sentinel monitor \(masterName) 127.0.0.1 \(masterPort) 2
                sentinel down-after-milliseconds \(masterName) \(Int(downAfter.components.seconds * 1000))
                sentinel failover-timeout \(masterName) 10000
                sentinel parallel-syncs \(masterName) 1
                \(auth)
                """.write(toFile: configuration, atomically: true, encoding: .utf8)
            let logFile = "\(directory)/sentinel.log"
            let log = ServerLog(logFile)
            let process = try ChildProcess(
                try redisServerPath(), [configuration, "--sentinel"], currentDirectory: directory, logFile: logFile, runDirectory: runDirectory)
            do {
                try await log.waitUntilReady(process) { text in
                    if text.contains("Address already in use") {
                        throw LocalServicesError.portInUse(process.name, port: port, log: logFile)
                    }
                    return text.contains("+monitor master")
                }
                return Sentinel(port: port, process: process, log: logFile)
            } catch LocalServicesError.portInUse where attempt < 3 {
                await process.stop()
                continue
            } catch {
                await process.stop()
                throw error
            }
        }
        preconditionFailure("the third attempt returns or throws")
    }

    private static func redisServerPath() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in ["/usr/bin"] + path.split(separator: ":").map(String.init) where FileManager.default.isExecutableFile(atPath: "\(folder)/redis-server") {
            return "\(folder)/redis-server"
        }
        throw LocalServicesError.missing("redis-server is not installed (apt-get install redis-server)")
    }
}
