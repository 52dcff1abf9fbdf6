import Logging
import NIOCore

/// Asks sentinels where the master is (`SENTINEL get-master-addr-by-name`), each in turn until
/// one names it, as Redis's guide for Sentinel clients says. A sentinel that does not know the
/// master, or cannot be reached, is skipped; the client retries the whole lookup with backoff.
enum SentinelLookup {
    /// Host names longer than DNS allows are no address.
    static let longestHost = 253

    static func master(
        of sentinels: RedisSentinels, configuration: RedisConfiguration, on eventLoop: any EventLoop, logger: Logger
    ) -> EventLoopFuture<RedisAddress> {
        ask(sentinels, from: 0, failures: [], configuration: configuration, on: eventLoop, logger: logger)
    }

    private static func ask(
        _ sentinels: RedisSentinels, from index: Int, failures: [String], configuration: RedisConfiguration,
        on eventLoop: any EventLoop, logger: Logger
    ) -> EventLoopFuture<RedisAddress> {
        guard index < sentinels.addresses.count else {
            return eventLoop.makeFailedFuture(RedisError.noMasterFromSentinels(failures.joined(separator: "; ")))
        }
        let sentinel = sentinels.addresses[index]
        return RedisConnection.connect(to: sentinel, authenticating: nil, configuration: configuration, on: eventLoop, logger: logger)
            .flatMap { connection in
                connection.send(RedisCommand("SENTINEL", ["get-master-addr-by-name", sentinels.masterName]))
                    .always { _ in _ = connection.close() }
            }
            .flatMapThrowing { reply in try address(from: reply, sentinel: sentinel) }
            .flatMapError { error in
                let reason = "\(sentinel): \((error as? RedisError)?.description ?? "\(error)")"
                logger.debug("a sentinel named no master", metadata: ["sentinel": "\(sentinel)", "error": "\(reason)"])
                return ask(sentinels, from: index + 1, failures: failures + [reason], configuration: configuration, on: eventLoop, logger: logger)
            }
    }

    /// `[host, port]`, or nil when the sentinel does not monitor a master of that name.
    static func address(from reply: RESPValue, sentinel: RedisAddress) throws -> RedisAddress {
        if let message = reply.errorMessage { throw RedisError.server(message) }
        if reply.isNull { throw RedisError.server("it monitors no master of that name") }
        guard let parts = reply.array, parts.count == 2, let host = parts[0].string, !host.isEmpty, host.utf8.count <= longestHost,
            let portText = parts[1].string, portText.count <= 5, let port = Int(portText), (1...65535).contains(port)
        else {
            throw RedisError.unexpectedReply(command: "SENTINEL get-master-addr-by-name", reply: String(reply.description.prefix(200)))
        }
        return RedisAddress(host: host, port: port)
    }
}
