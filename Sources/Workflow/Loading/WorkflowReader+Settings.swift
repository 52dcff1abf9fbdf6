import Foundation
import XMPP
import Yams

// The connection sections, limits and canned replies.
extension WorkflowReader {
    func xmppSettings(_ node: Node?, root: Fields) -> XMPPSettings? {
        guard let node else {
            note("the workflow has no 'xmpp' section; it needs at least the component secret (secret: ${SB_COMPONENT_SECRET})", at: root.node)
            return nil
        }
        guard let fields = fields(node, "xmpp", allowed: WorkflowKeys.xmpp) else { return nil }
        var settings = XMPPSettings(secret: Secret(""))
        if let node = fields["host"] { settings.host = host(node, "host") ?? settings.host }
        if let node = fields["port"] { settings.port = int(node, "port", in: 1...65535) ?? settings.port }
        if let node = fields["domain"] {
            settings.domain = value(node, "domain") { text throws(WorkflowValueError) in
                let jid: JID
                do { jid = try JID(text) } catch { throw WorkflowValueError("'\(text)' is not a domain name: \(error)") }
                guard jid.local == nil, jid.resource == nil else { throw WorkflowValueError("'\(text)' is not a domain name") }
                return jid.domain
            } ?? settings.domain
        }
        // The secret's text is never repeated in a problem: the file or the environment may hold the real one.
        guard let secretNode = required(fields, "secret", in: "xmpp"), let secret = text(secretNode, "secret") else { return nil }
        guard !secret.isEmpty else {
            note("secret: the component secret is empty", at: secretNode)
            return nil
        }
        settings.secret = Secret(secret)
        if let node = fields["tls"] { settings.tls = bool(node, "tls") ?? settings.tls }
        if let node = fields["ca_file"] { settings.caFile = caFile(node) }
        if settings.caFile != nil, !settings.tls, let node = fields["ca_file"] {
            note("ca_file: set tls: true too, or the component link is not encrypted and the CA is never used", at: node)
        }
        return settings
    }

    /// A PEM file of CA certificates that must exist when the workflow is read (a typo would
    /// otherwise show only as refused connections).
    private func caFile(_ node: Node) -> String? {
        value(node, "ca_file") { path throws(WorkflowValueError) in
            guard !path.isEmpty else { throw WorkflowValueError("the path is empty") }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
                throw WorkflowValueError("no such file: \(path) (a PEM file with the CA certificates that sign the server's)")
            }
            guard FileManager.default.isReadableFile(atPath: path) else { throw WorkflowValueError("cannot read \(path)") }
            return path
        }
    }

    func redisSettings(_ node: Node?) -> RedisSettings {
        var settings = RedisSettings()
        guard let node, let fields = fields(node, "redis", allowed: WorkflowKeys.redis) else { return settings }
        if let node = fields["url"] {
            // Checked only as far as a problem can say without repeating the URL, which may hold a password.
            settings.url = value(node, "url") { text throws(WorkflowValueError) in
                guard let scheme = ["redis://", "rediss://", "redis-sentinel://", "rediss-sentinel://"].first(where: text.hasPrefix) else {
                    throw WorkflowValueError(
                        "the Redis URL must start with redis:// (as redis://[user:password@]host:port/db), rediss:// (the same "
                            + "over TLS) or redis-sentinel:// (as redis-sentinel://[user:password@]host:26379,host:26380/db#master), "
                            + "rediss-sentinel:// over TLS")
                }
                let authority = text.dropFirst(scheme.count).split(separator: "@").last?.split(separator: "/").first
                guard let authority, !authority.hasPrefix(":") else { throw WorkflowValueError("the Redis URL has no host") }
                return text
            } ?? settings.url
        }
        if let node = fields["ca_file"] { settings.caFile = caFile(node) }
        if let node = fields["min_replicas_ack"] {
            settings.minReplicasAck = int(node, "min_replicas_ack", in: RedisSettings.replicaAckRange) ?? settings.minReplicasAck
        }
        if let node = fields["replica_ack_timeout"], let timeout = duration(node, "replica_ack_timeout") {
            if RedisSettings.replicaAckTimeoutRange.contains(timeout) {
                settings.replicaAckTimeout = timeout
            } else {
                note("replica_ack_timeout: must be from 10ms to 10s", at: node)
            }
        }
        if let node = fields["prefix"] {
            settings.prefix = value(node, "prefix") { text throws(WorkflowValueError) in
                // Braces would clash with the hash tags in key names (`sb:{sales}:waiting`).
                guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) else {
                    throw WorkflowValueError("'\(text)' may only have letters, digits, '-', '_', '.' and ':'")
                }
                return text
            } ?? settings.prefix
        }
        return settings
    }

    func httpSettings(_ node: Node?) -> HTTPSettings {
        var settings = HTTPSettings()
        guard let node, let fields = fields(node, "http", allowed: WorkflowKeys.http) else { return settings }
        if let node = fields["listen"], let (host, port) = listenAddress(node) {
            settings.host = host
            settings.port = port
        }
        if let node = fields["allowed_origins"], let items = list(node, "allowed_origins") {
            settings.allowedOrigins = items.compactMap { origin($0) }
        }
        if let node = fields["trusted_proxies"], let items = list(node, "trusted_proxies") {
            settings.trustedProxies = items.compactMap { item in
                value(item, "trusted_proxies") { text throws(WorkflowValueError) in try IPNetwork(text) }
            }
        }
        if let node = fields["uploads"] { settings.uploads = uploadSettings(node) }
        return settings
    }

    private func uploadSettings(_ node: Node) -> UploadSettings? {
        guard let fields = fields(node, "uploads", allowed: WorkflowKeys.uploads) else { return nil }
        guard let dirNode = fields["dir"] else {
            note("uploads needs dir: the folder files are kept in (e.g. dir: /var/lib/switchboard/uploads)", at: node)
            return nil
        }
        guard let directory = text(dirNode, "dir") else { return nil }
        guard !directory.isEmpty else {
            note("dir: the uploads folder is empty", at: dirNode)
            return nil
        }
        var settings = UploadSettings(directory: directory)
        if let node = fields["max_bytes"] {
            settings.maxBytes = int(node, "max_bytes", in: 1024...UploadSettings.maxBytesLimit) ?? settings.maxBytes
        }
        if let node = fields["types"], let items = list(node, "types") {
            settings.types = items.compactMap { item in
                value(item, "types") { text throws(WorkflowValueError) in
                    let type = text.trimmingCharacters(in: .whitespaces).lowercased()
                    guard UploadSettings.recognisedTypes.contains(type) else {
                        throw WorkflowValueError(
                            "'\(text)' is not a type the upload check recognises (\(UploadSettings.recognisedTypes.joined(separator: ", ")))")
                    }
                    return type
                }
            }
        }
        return settings
    }

    func statsSettings(_ node: Node) -> StatsServiceSettings {
        var settings = StatsServiceSettings()
        guard let fields = fields(node, "stats", allowed: WorkflowKeys.stats) else { return settings }
        if let node = fields["listen"], let (host, port) = listenAddress(node) {
            settings.host = host
            settings.port = port
        }
        // Like the component secret, the token's text is never repeated in a problem.
        if let node = fields["token"], let token = text(node, "token") {
            if token.isEmpty { note("token: the stats token is empty (write token: ${SB_STATS_TOKEN})", at: node) }
            else { settings.token = Secret(token) }
        }
        if let node = fields["open_metrics"] { settings.openMetrics = bool(node, "open_metrics") ?? settings.openMetrics }
        return settings
    }

    func limits(_ node: Node?) -> Limits {
        var limits = Limits()
        guard let node, let fields = fields(node, "limits", allowed: WorkflowKeys.limits) else { return limits }
        // Stanzas are capped at 512 KiB by the XML stream; a body limit near that would never apply.
        if let node = fields["body_bytes"] { limits.bodyBytes = int(node, "body_bytes", in: 1...262_144) ?? limits.bodyBytes }
        if let node = fields["flood"], let flood = self.fields(node, "flood", allowed: WorkflowKeys.flood) {
            if let node = flood["messages"] { limits.flood.messages = int(node, "messages", in: 1...Int.max) ?? limits.flood.messages }
            if let node = flood["per"] { limits.flood.per = duration(node, "per") ?? limits.flood.per }
        }
        if let node = fields["offline_grace"] {
            limits.offlineGrace = duration(node, "offline_grace", allowZero: true) ?? limits.offlineGrace
        }
        if let node = fields["presence_resync"] {
            limits.presenceResync = duration(node, "presence_resync") ?? limits.presenceResync
        }
        if let node = fields["gone_timeout"] { limits.goneTimeout = duration(node, "gone_timeout", allowZero: true) ?? limits.goneTimeout }
        if let node = fields["missed_offers_before_away"] {
            limits.missedOffersBeforeAway = int(node, "missed_offers_before_away", in: 1...Int.max) ?? limits.missedOffersBeforeAway
        }
        if let node = fields["position_update_interval"] {
            limits.positionUpdateInterval = duration(node, "position_update_interval") ?? limits.positionUpdateInterval
        }
        // Every line of a sender waits at most this long behind a lost one: keep it short.
        if let node = fields["line_order_hold"] {
            limits.lineOrderHold = duration(node, "line_order_hold", in: .zero ... .seconds(30)) ?? limits.lineOrderHold
        }
        return limits
    }

    func cannedReplies(_ node: Node?) -> [CannedReply] {
        guard let node, let fields = fields(node, "canned") else { return [] }
        return fields.entries.compactMap { entry in
            // Agents type `/canned KEY`: a key is one word.
            guard !entry.key.isEmpty, !entry.key.contains(where: \.isWhitespace) else {
                note("canned reply key '\(entry.key)' has spaces; agents type it after /canned, so use one word like 'thanks' or 'thank-you'", at: entry.keyNode)
                return nil
            }
            guard let text = template(entry.value, entry.key, allowing: CannedReply.placeholders) else { return nil }
            return CannedReply(key: entry.key, text: text)
        }
    }

    private func host(_ node: Node, _ what: String) -> String? {
        value(node, what) { text throws(WorkflowValueError) in
            guard !text.isEmpty, !text.contains(where: \.isWhitespace) else { throw WorkflowValueError("'\(text)' is not a host name or address") }
            return text
        }
    }

    /// `host:port`, `[v6-address]:port`.
    private func listenAddress(_ node: Node) -> (String, Int)? {
        value(node, "listen") { text throws(WorkflowValueError) in
            let bad = WorkflowValueError("'\(text)' is not an address to listen on: write it like 127.0.0.1:8080 or [::1]:8080")
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { throw bad }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty, !host.contains(where: \.isWhitespace), host.contains(":") == text.hasPrefix("[") else { throw bad }
            guard (1...65535).contains(port) else { throw WorkflowValueError("'\(text)': the port must be from 1 to 65535") }
            return (host, port)
        }
    }

    /// `https://shop.example.com` or `http://localhost:8080`, as browsers send `Origin`.
    private func origin(_ node: Node) -> String? {
        value(node, "allowed_origins") { text throws(WorkflowValueError) in
            let origin = text.lowercased()
            let scheme = ["http://", "https://"].first { origin.hasPrefix($0) }
            let authority = scheme.map { origin.dropFirst($0.count) } ?? ""
            guard scheme != nil, !authority.isEmpty, !authority.contains(where: { "/?#@ ".contains($0) }) else {
                throw WorkflowValueError("'\(text)' is not an origin: write it like https://shop.example.com, without a path")
            }
            return origin
        }
    }
}
