import Foundation
import LocalServices
import Logging
import Redis
import Synchronization

/// What a fault run starts on loopback: ejabberd, a Redis master with a replica and three
/// sentinels, three routers and two `switchboard web` nodes, each a child process stopped by its
/// PID. Routers and web nodes find the master through the sentinels and wait for a replica's
/// acknowledgement (`min_replicas_ack: 1`), as `Workflows/examples/ha.yml` runs.
final class FaultDeployment: Sendable {
    static let routers = 3
    static let webNodes = 2
    static let queue = "q0"

    let ejabberd: EjabberdServer
    let redis: RedisSentinelGroup
    let webPorts: [Int]
    private let executable: String
    private let runDirectory: RunDirectory
    private let routerWorkflow: String
    private let routerProcesses: Mutex<[ChildProcess?]>
    private let starts = Atomic<Int>(0)
    private let webProcesses: [ChildProcess]

    private init(
        ejabberd: EjabberdServer, redis: RedisSentinelGroup, executable: String, runDirectory: RunDirectory, routerWorkflow: String,
        routers: [ChildProcess?], web: [ChildProcess], webPorts: [Int]
    ) {
        self.ejabberd = ejabberd
        self.redis = redis
        self.executable = executable
        self.runDirectory = runDirectory
        self.routerWorkflow = routerWorkflow
        routerProcesses = Mutex(routers)
        webProcesses = web
        self.webPorts = webPorts
    }

    static func visitor(_ index: Int) -> String { "fv\(index)" }
    static func agent(_ index: Int) -> String { "fa\(index)" }

    /// Starts everything and returns once every router has joined and every web node listens;
    /// what was started is stopped again if a later part fails.
    static func start(_ plan: FaultPlan, executable: String, in runDirectory: RunDirectory, progress: (String) -> Void) async throws -> FaultDeployment {
        var accounts: [String: String] = [:]
        for index in 0..<plan.xmppVisitors { accounts[visitor(index)] = BenchAccounts.password }
        for index in 0..<plan.agents { accounts[agent(index)] = BenchAccounts.password }
        progress("starting ejabberd with \(accounts.count) accounts")
        let ejabberd = try await EjabberdServer.start(.init(accounts: accounts, serviceDomain: "support.localhost"), in: runDirectory)
        var redis: RedisSentinelGroup?
        var started: [ChildProcess] = []
        do {
            progress("starting Redis: a master, a replica and three sentinels")
            let group = try await RedisSentinelGroup.start(in: runDirectory)
            redis = group
            let folder = try runDirectory.newFolder("fault-run")
            let routerWorkflow = "\(folder)/router.yml", webWorkflow = "\(folder)/web.yml"
            try workflow(plan, ejabberd: ejabberd, redisURL: group.url, web: false).write(toFile: routerWorkflow, atomically: true, encoding: .utf8)
            try workflow(plan, ejabberd: ejabberd, redisURL: group.url, web: true).write(toFile: webWorkflow, atomically: true, encoding: .utf8)
            progress("starting \(routers) routers and \(webNodes) web nodes")
            var routerList: [ChildProcess?] = []
            for number in 0..<routers {
                let process = try await launch(
                    executable, ["router", "--workflow", routerWorkflow, "--keepalive", "5"], secret: ejabberd.componentSecret,
                    log: "\(folder)/router-\(number + 1)-0.log", ready: "router ready", in: runDirectory)
                started.append(process)
                routerList.append(process)
            }
            var web: [ChildProcess] = [], ports: [Int] = []
            for number in 0..<webNodes {
                let log = "\(folder)/web-\(number + 1).log"
                let process = try await launch(
                    executable, ["web", "--workflow", webWorkflow, "--http-port", "0"], secret: ejabberd.componentSecret, log: log,
                    ready: "web service listening", in: runDirectory)
                started.append(process)
                web.append(process)
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                let line = text.split(separator: "\n").first { $0.contains("web service listening") }
                guard let port = line.flatMap({ line in line.firstRange(of: "127.0.0.1:").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) } })
                else { throw BenchError.setup("web node \(number + 1) did not say its port (log: \(log))") }
                ports.append(port)
            }
            return FaultDeployment(
                ejabberd: ejabberd, redis: group, executable: executable, runDirectory: runDirectory, routerWorkflow: routerWorkflow,
                routers: routerList, web: web, webPorts: ports)
        } catch {
            for process in started { await process.stop() }
            await redis?.stop()
            await ejabberd.stop()
            throw error
        }
    }

    /// SIGKILL of router `number` (as a crash), then a new one started in its place; returns once
    /// the new one has joined (ejabberd gives it a share of the traffic from then on).
    func killAndRestartRouter(_ number: Int) async throws {
        let process = routerProcesses.withLock { $0[number] }
        if let process {
            process.signal(SIGKILL)
            await process.waitForExit()
        }
        let start = starts.add(1, ordering: .relaxed).newValue
        let folder = (routerWorkflow as NSString).deletingLastPathComponent
        let restarted = try await Self.launch(
            executable, ["router", "--workflow", routerWorkflow, "--keepalive", "5"], secret: ejabberd.componentSecret,
            log: "\(folder)/router-\(number + 1)-\(start).log", ready: "router ready", in: runDirectory, timeout: .seconds(120))
        routerProcesses.withLock { $0[number] = restarted }
    }

    /// SIGKILL of the Redis master; once every sentinel names the replica master (`+switch-master`),
    /// the old master is started again on its port and Sentinel makes it the new master's replica.
    /// Not sooner: between the replica's promotion and that announcement the sentinels still name
    /// the old address, and a client looking it up then would write to the old master come back
    /// with its old data (a master until Sentinel converts it, ~10 s later), writes that the
    /// resync then discards. One kill per run: the group's first master is the master then.
    func killMaster(logger: Logger) async throws {
        await redis.master.kill()
        let sentinels = try redis.sentinels.map { sentinel in
            RedisClient(configuration: RedisConfiguration(url: try RedisURL("redis://127.0.0.1:\(sentinel.port)")), logger: logger)
        }
        let promoted = String(redis.replica.port), name = RedisSentinelGroup.masterName
        try await withCleanup {
            try await within(.seconds(60), "every sentinel to name the replica master") {
                while true {
                    var named = 0
                    for sentinel in sentinels {
                        let address = try? await sentinel.send("SENTINEL", "get-master-addr-by-name", name).array?.compactMap(\.string)
                        if address?.last == promoted { named += 1 }
                    }
                    if named == sentinels.count { return }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        } cleanup: {
            for sentinel in sentinels { await sentinel.close() }
        }
        try await redis.master.restart()
    }

    /// Stops and starts ejabberd on the same ports and spool: every session and link drops.
    func restartEjabberd() async throws {
        try await ejabberd.restart()
    }

    /// The processes whose CPU the run is about, for the report.
    var pids: [Int32] {
        routerProcesses.withLock { $0.compactMap { $0?.pid } } + webProcesses.map(\.pid) + [ejabberd.pid].compactMap { $0 }
    }

    func stop() async {
        for process in routerProcesses.withLock({ $0 }) { await process?.stop() }
        for process in webProcesses { await process.stop() }
        await redis.stop()
        await ejabberd.stop()
    }

    private static func launch(
        _ executable: String, _ arguments: [String], secret: String, log: String, ready: String, in runDirectory: RunDirectory,
        timeout: Duration = .seconds(60)
    ) async throws -> ChildProcess {
        // The secret goes through the environment: a command line is visible to every user.
        let process = try ChildProcess(executable, arguments, environment: ["SB_COMPONENT_SECRET": secret], logFile: log, runDirectory: runDirectory)
        do {
            try await ServerLog(log).waitUntilReady(process, timeout: timeout) { $0.contains(ready) }
        } catch {
            await process.stop()
            throw error
        }
        return process
    }

    /// One queue every agent serves; the web nodes' file adds the widget's origin.
    static func workflow(_ plan: FaultPlan, ejabberd: EjabberdServer, redisURL: String, web: Bool) -> String {
        var lines = [
            "xmpp: { host: 127.0.0.1, port: \(ejabberd.componentPort), domain: \(ejabberd.serviceDomain), secret: \"${SB_COMPONENT_SECRET}\" }",
            "redis: { url: \"\(redisURL)\", prefix: \(BenchWorkflow.prefix), min_replicas_ack: 1 }",
            "limits:",
            "  flood: { messages: 1000000, per: 1s }",
        ]
        if web { lines += ["http:", "  listen: 127.0.0.1:8080", "  allowed_origins: [\"\(WebVisitorLink.origin)\"]"] }
        lines += ["queues:", "  - name: \(queue)", "    title: Support", "    skills: [s0]", "    strategy: longest-idle", "    default: true", "agents:"]
        for index in 0..<plan.agents {
            lines += ["  - jid: \(agent(index))@\(ejabberd.domain)", "    name: Agent \(index)", "    skills: { s0: 5 }", "    max_chats: \(plan.capacity)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
