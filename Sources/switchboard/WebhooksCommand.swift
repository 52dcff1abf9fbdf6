import ArgumentParser
import Foundation
import Logging
import Redis
import ServiceLifecycle
import UnixSignals
import Webhooks
import Workflow

/// `switchboard webhooks serve|failed|replay`: signed webhook deliveries and their dead letters.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Deliver routing events to the workflow's webhooks, signed; list and replay dead letters.",
        subcommands: [Serve.self, Failed.self, Replay.self]
    )

    /// `switchboard webhooks serve`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "POST each routing event to the webhooks that want it, in order per chat, retrying for 24 h.",
            discussion: """
                Reads the routing event stream in the consumer group 'webhooks'; everything not yet delivered \
                is kept in Redis, so a restart (even after SIGKILL) loses nothing, and an event under way may \
                arrive twice. Run one per deployment. Secrets and hook URLs are never logged. GET /metrics on \
                --listen serves delivery counts and latencies. SIGTERM or SIGINT stops gracefully.
                """
        )

        @OptionGroup var workflowOptions: WorkflowOptions

        @Option(help: "Address to serve /metrics on, host:port (port 0: any free one).")
        var listen: String = "127.0.0.1:8082"

        @Option(help: "This instance's name in the consumer group (keep it across restarts).")
        var consumer: String = "webhooks@" + (ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName)

        @Flag(help: "On the very first start (no 'webhooks' group yet), deliver the events the stream already holds too.")
        var backlog = false

        // For tests: a retry period and first backoff of seconds instead of a day.
        @Option(help: .hidden) var retryFor: Double = 24 * 3600
        @Option(help: .hidden) var firstRetry: Double = 1

        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            _ = try ListenAddress(listen)
            guard retryFor >= 0, retryFor <= 30 * 86_400, firstRetry > 0, firstRetry <= 3600 else {
                throw ValidationError("--retry-for must be from 0 to 30 days, --first-retry from above 0 to an hour")
            }
        }

        func run() async throws {
            let logger = logging.logger("switchboard.webhooks")
            let workflow = try workflowOptions.load()
            guard !workflow.webhooks.isEmpty else {
                throw ValidationError("\(workflowOptions.workflow) has no webhooks: list them under 'webhooks' (see the README)")
            }
            let address = try ListenAddress(listen)
            let keys = WebhookKeys(prefix: workflow.redis.prefix)
            let configuration = try workflow.redis.clientConfiguration()
            let redis = RedisClient(configuration: configuration, logger: logger)
            let reading = RedisClient(configuration: configuration, logger: logger)
            let metrics = DeliveryMetrics(hooks: workflow.webhooks.map(\.name))
            let policy = RetryPolicy(retryFor: .milliseconds(Int64(retryFor * 1000)), firstDelay: .milliseconds(Int64(firstRetry * 1000)))
            let service = WebhooksService(
                hooks: workflow.webhooks, keys: keys, redis: redis, reading: reading, consumer: consumer, policy: policy, metrics: metrics,
                logger: logger, backlog: backlog)
            let server = MetricsServer(
                host: address.host, port: address.port, metrics: metrics, redis: redis, keys: keys, hooks: workflow.webhooks.map(\.name),
                logger: logger)
            let consumer = self.consumer
            let application = server.application { port in
                logger.info("webhooks ready", metadata: [
                    "listen": "\(address.host):\(port)", "consumer": "\(consumer)", "hooks": "\(workflow.webhooks.map(\.description))",
                ])
            }
            logger.info("starting", metadata: ["workflow": "\(workflowOptions.workflow)", "redis": "\(workflow.redis)"])
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: service), .init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
            await reading.close()
            await redis.close()
        }
    }

    /// `switchboard webhooks failed`.
    struct Failed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the dead letters: events a webhook did not accept within the retry period, oldest first.")

        @OptionGroup var workflowOptions: WorkflowOptions

        @Option(help: "List at most this many.")
        var limit: Int = 1000

        @Flag(help: "Print each as a JSON line (with its body) instead of a table.")
        var json = false

        func run() async throws {
            let workflow = try workflowOptions.load()
            let (redis, letters) = try deadLetters(of: workflow)
            let list = try await letters.list(limit: min(max(limit, 1), 100_000))
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                for letter in list { print(String(decoding: try encoder.encode(letter), as: UTF8.self)) }
            } else if list.isEmpty {
                print("no dead letters")
            } else {
                for letter in list {
                    let failed = Date(timeIntervalSince1970: Double(letter.failedAt) / 1000)
                    print("\(letter.id)  \(letter.delivery.event)  chat \(letter.delivery.chat)  \(letter.attempts) attempts  "
                          + "given up \(failed.formatted(.iso8601))  last: \(letter.lastError)")
                }
                let total = try await letters.count()
                print("\(total) dead letter\(total == 1 ? "" : "s")" + (total > list.count ? " (\(list.count) shown)" : ""))
            }
            await redis.close()
        }
    }

    /// `switchboard webhooks replay`.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue dead letters for delivery again (the running 'webhooks serve' sends them).",
            discussion: "An id is HOOK/STREAM-ID, as 'switchboard webhooks failed' lists it.")

        @OptionGroup var workflowOptions: WorkflowOptions

        @Argument(help: "Dead letter ids.")
        var ids: [String] = []

        @Flag(help: "Replay every dead letter whose webhook is still in the workflow.")
        var all = false

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("name dead letter ids or --all, not both or neither") }
        }

        func run() async throws {
            let workflow = try workflowOptions.load()
            let (redis, letters) = try deadLetters(of: workflow)
            do {
                if all {
                    let (replayed, skipped) = try await letters.replayAll(hooks: workflow.webhooks)
                    print("replayed \(replayed) dead letter\(replayed == 1 ? "" : "s")")
                    if !skipped.isEmpty { print("left \(skipped.count) whose webhook is no longer in the workflow") }
                } else {
                    for id in ids {
                        let letter = try await letters.replay(id, hooks: workflow.webhooks)
                        print("replayed \(letter.id) (\(letter.delivery.event), chat \(letter.delivery.chat))")
                    }
                }
            } catch let error as WebhooksError {
                await redis.close()
                throw ValidationError(error.description)
            }
            await redis.close()
        }
    }
}

/// A Redis client and the dead letters of the workflow's deployment.
private func deadLetters(of workflow: Workflow) throws -> (RedisClient, DeadLetters) {
    var logger = Logger(label: "switchboard.webhooks")
    logger.logLevel = .warning
    let redis = RedisClient(configuration: try workflow.redis.clientConfiguration(), logger: logger)
    return (redis, DeadLetters(redis: redis, keys: WebhookKeys(prefix: workflow.redis.prefix)))
}
