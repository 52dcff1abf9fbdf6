import ArgumentParser
import Bench
import Foundation
import Redis
import TLS
import XMPP

/// `switchboard bench --attach …`: where the running deployment is, and what the bench may read
/// there. Nothing is started; the accounts exist already (`BenchAccountList`).
struct BenchAttachOptions: ParsableArguments {
    @Flag(help: "Measure a deployment that is already running (router, Prosody or ejabberd, Redis): start nothing, run the router's phase only.")
    var attach = false
    @Option(help: "The XMPP server's host for clients (c2s).")
    var xmppHost = "127.0.0.1"
    @Option(help: "The XMPP server's client port.")
    var xmppPort = 5222
    @Flag(help: "Require STARTTLS on the client connections (checked against the system's CAs, or --tls-ca).")
    var starttls = false
    @Option(help: "A PEM file of the CA (or self-signed certificate) that signs the XMPP server's certificate; implies --starttls.")
    var tlsCA: String?
    @Option(help: "The router's component domain, as in its workflow (xmpp.domain), e.g. support.example.com.")
    var serviceDomain: String?
    @Option(help: "A queue chats go to, by its address's local part (sales for sales@SERVICE-DOMAIN); repeat for several, taken in turn.")
    var queue: [String] = []
    @Option(help: ArgumentHelp(
        "The accounts to sign in with, made beforehand on the XMPP server.",
        discussion: "One a line: `visitor JID PASSWORD` or `agent JID PASSWORD` (the password is the rest of the line; # starts a comment). The agents must be agents in the router's workflow with the queues' skills. At most 16 MiB.",
        valueName: "file"))
    var accounts: String?
    @Option(help: "The router's Redis (redis://HOST:PORT, or rediss://, redis-sentinel:// as in its workflow), read only: INFO memory, SCARD, GET, MEMORY USAGE, for its bytes per chat.")
    var redis: String?
    @Option(help: "The router's Redis key prefix (redis.prefix in its workflow).")
    var redisPrefix = "sb"
    @Option(help: "The router's process ID, for its CPU and memory (read from /proc on this machine).")
    var routerPID: Int32?
    @Option(help: "The XMPP server's process ID (Prosody's, or ejabberd's beam.smp).")
    var xmppPID: Int32?
    @Option(help: "Redis's process ID.")
    var redisPID: Int32?

    func validate() throws {
        let given = xmppHost != "127.0.0.1" || xmppPort != 5222 || starttls || tlsCA != nil || serviceDomain != nil || !queue.isEmpty
            || accounts != nil || redis != nil || redisPrefix != "sb" || routerPID != nil || xmppPID != nil || redisPID != nil
        guard attach else {
            if given { throw ValidationError("the options of a running deployment (--accounts, --queue, …) need --attach") }
            return
        }
        guard serviceDomain != nil else { throw ValidationError("--attach needs --service-domain (the router's component domain)") }
        guard !queue.isEmpty else { throw ValidationError("--attach needs at least one --queue") }
        guard accounts != nil else { throw ValidationError("--attach needs --accounts FILE (see --help)") }
        guard (1...65535).contains(xmppPort) else { throw ValidationError("--xmpp-port is 1 to 65535") }
        for (name, pid) in [("--router-pid", routerPID), ("--xmpp-pid", xmppPID), ("--redis-pid", redisPID)] {
            if let pid, !(1...AttachedDeployment.maximumPID).contains(pid) {
                throw ValidationError("\(name) is 1 to \(AttachedDeployment.maximumPID)")
            }
        }
        if let redis, redis.utf8.count > 1024 || (try? RedisURL(redis)) == nil {
            throw ValidationError("--redis is a redis:// URL (rediss://, redis-sentinel:// as in a workflow)")
        }
    }

    /// The deployment described by the options, its accounts read from the file.
    func deployment() throws -> AttachedDeployment {
        guard let serviceDomain, let accounts else { throw ValidationError("--attach needs --service-domain and --accounts") }
        let size = (try? FileManager.default.attributesOfItem(atPath: accounts)[.size] as? Int) ?? 0
        guard size <= BenchAccountList.maximumBytes else { throw ValidationError("--accounts: larger than \(BenchAccountList.maximumBytes) bytes") }
        let text: String
        do { text = try String(contentsOfFile: accounts, encoding: .utf8) } catch {
            throw ValidationError("--accounts: cannot read \(accounts): \(error.localizedDescription)")
        }
        let list = try BenchAccountList.parse(text)
        let security: ClientSecurity =
            starttls || tlsCA != nil
            ? .startTLS(try TLSContext(.client(verification: tlsCA.map { .caFile($0) } ?? .systemTrustStore))) : .plaintext
        let deployment = AttachedDeployment(
            c2sHost: xmppHost, c2sPort: xmppPort, security: security, serviceDomain: serviceDomain, queues: queue,
            visitors: list.visitors, agents: list.agents, redisURL: redis, redisPrefix: redisPrefix, routerPID: routerPID,
            xmppServerPID: xmppPID, redisPID: redisPID)
        if let problem = deployment.problem { throw ValidationError(problem) }
        return deployment
    }
}
