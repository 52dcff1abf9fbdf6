import Foundation
import Hummingbird
import Logging
import Redis
import Workflow

/// The stats HTTP side: the JSON API, Prometheus metrics and the dashboard.
public struct StatsServer: Sendable {
    /// Where to listen and who may ask.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The bearer token the API and dashboard ask for; it never shows in a description or log.
        public var token: Secret
        /// Serve `/metrics` without the token (scrapers on a private network).
        public var openMetrics: Bool

        public init(host: String = "127.0.0.1", port: Int = 8081, token: Secret, openMetrics: Bool = false) {
            self.host = host
            self.port = port
            self.token = token
            self.openMetrics = openMetrics
        }
    }

    let configuration: Configuration
    let reader: StatsReader
    let live: LiveStateReader
    let audit: AuditLog
    let archive: ChatArchive
    let logger: Logger

    public init(configuration: Configuration, redis: RedisClient, keys: StatsKeys, workflow: Workflow, logger: Logger) {
        self.configuration = configuration
        self.reader = StatsReader(redis: redis, keys: keys)
        self.live = LiveStateReader(redis: redis, keys: keys, workflow: workflow)
        self.audit = AuditLog(redis: redis, keys: keys.routing)
        self.archive = ChatArchive(redis: redis, keys: keys.routing)
        self.logger = logger
    }

    /// The HTTP application, a `Service` to run in a `ServiceGroup`. `onRunning` is told the port
    /// once it accepts connections.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        let auth = BearerTokenMiddleware<BasicRequestContext>(token: configuration.token)
        let api = router.group("api/v1").add(middleware: auth)
        api.get("queues") { _, _ in try Self.json(QueuesReply(state: try await live.read())) }
        api.get("agents") { _, _ in try Self.json(AgentsReply(state: try await live.read())) }
        api.get("stats") { request, _ in try await stats(request) }
        api.get("audit") { request, _ in try await auditEntries(request) }
        api.get("chats") { request, _ in try await chats(request) }
        api.get("chats/:id") { _, context in
            let id = try Self.chatID(context)
            guard let chat = try await archive.chat(id) else { throw HTTPError(.notFound, message: "there is no chat \(id)") }
            return try Self.json(chat)
        }
        api.get("chats/:id/transcript") { _, context in
            let id = try Self.chatID(context)
            guard let lines = try await archive.transcript(id) else { throw HTTPError(.notFound, message: "there is no chat \(id)") }
            return try Self.json(TranscriptReply(chat: id, lines: lines))
        }
        let metrics = router.group("metrics")
        if !configuration.openMetrics { metrics.add(middleware: auth) }
        metrics.get { _, _ in try await self.metrics() }
        router.group("dashboard").add(middleware: auth).get { request, _ in try await dashboard(request) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "switchboard-stats"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// `GET /api/v1/stats?queue=Q&since=T&until=T`: times as seconds since 1970 or ISO 8601;
    /// the last 24 hours by default.
    func stats(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let until = try query["until"].map { try Self.time(String($0), "until") } ?? now
        let since = try query["since"].map { try Self.time(String($0), "since") } ?? until - 86_400_000
        let window: StatsWindow
        do { window = try StatsWindow(sinceMilliseconds: since, untilMilliseconds: until) } catch {
            throw HTTPError(.badRequest, message: error.description)
        }
        let queue = query["queue"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        return try Self.json(try await reader.report(window, queue: queue))
    }

    /// `GET /api/v1/audit?since=T&until=T&actor=JID&chat=ID&limit=N&after=ID`: the audit log,
    /// oldest first, the last 24 hours by default; `next` in the reply is the `after` of the next page.
    func auditEntries(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let until = try query["until"].map { try Self.time(String($0), "until") } ?? now
        let since = try query["since"].map { try Self.time(String($0), "since") } ?? until - 86_400_000
        guard since <= until else { throw HTTPError(.badRequest, message: "since must not be after until") }
        let actor = try Self.bounded(query["actor"], "actor", 1024)
        let chat = try Self.bounded(query["chat"], "chat", 64)
        let after = try Self.bounded(query["after"], "after", 41)
        if let after, !after.isEmpty, after.split(separator: "-").count != 2 || !after.allSatisfy({ $0.isNumber || $0 == "-" }) {
            throw HTTPError(.badRequest, message: "after: '\(after)' is not an entry id such as 1733400000000-0")
        }
        var limit = 1_000
        if let text = query["limit"] {
            guard let number = Int(String(text)), AuditLog.limits.contains(number) else {
                throw HTTPError(.badRequest, message: "limit must be a whole number from 1 to \(AuditLog.limits.upperBound)")
            }
            limit = number
        }
        return try Self.json(try await audit.entries(
            since: since, until: until, actor: actor, chat: chat, after: after?.isEmpty == false ? after : nil, limit: limit))
    }

    /// `GET /api/v1/chats?visitor=JID&since=T&limit=N`: chats kept (open, or closed within the
    /// retention), oldest first; `since` defaults to 30 days ago.
    func chats(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let since = try query["since"].map { try Self.time(String($0), "since") } ?? now - 30 * 86_400_000
        let visitor = try Self.bounded(query["visitor"], "visitor", 3071)
        var limit = 100
        if let text = query["limit"] {
            guard let number = Int(String(text)), ChatArchive.limits.contains(number) else {
                throw HTTPError(.badRequest, message: "limit must be a whole number from 1 to \(ChatArchive.limits.upperBound)")
            }
            limit = number
        }
        return try Self.json(ChatsReply(chats: try await archive.chats(visitor: visitor, since: since, limit: limit)))
    }

    static func chatID(_ context: BasicRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), ChatArchive.isChatID(id) else {
            throw HTTPError(.badRequest, message: "a chat id is a number")
        }
        return id
    }

    /// A query parameter of at most `length` bytes (nil when absent or empty).
    static func bounded(_ value: Substring?, _ name: String, _ length: Int) throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard value.utf8.count <= length else { throw HTTPError(.badRequest, message: "\(name) is longer than \(length) bytes") }
        return String(value)
    }

    func metrics() async throws -> Response {
        let text = try await MetricsText(reader: reader, live: live).render()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    func dashboard(_ request: Request) async throws -> Response {
        let hours = request.uri.queryParameters["hours"].flatMap { Int64($0) }.map { min(max($0, 1), 48) } ?? 3
        if request.uri.queryParameters["token"] != nil {
            // Opened with ?token= (checked already): a cookie carries the token from now on, and the
            // page, which reloads itself, is served from an address without it.
            let cookie = "\(BearerTokenMiddleware<BasicRequestContext>.cookieName)=\(configuration.token.value); Path=/; HttpOnly; SameSite=Strict"
            return Response(status: .seeOther, headers: [.location: "/dashboard?hours=\(hours)", .setCookie: cookie])
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let window = try StatsWindow(sinceMilliseconds: now - hours * 3_600_000, untilMilliseconds: now)
        let page = DashboardPage(state: try await live.read(), report: try await reader.report(window), hours: Int(hours)).html
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
            .cacheControl: "no-store",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    /// A request's time in milliseconds since 1970, within `StatsWindow.times` (converting a
    /// larger Double to Int64 would stop the process).
    static func time(_ text: String, _ name: String) throws -> Int64 {
        let milliseconds: Double
        if let seconds = Double(text), seconds.isFinite {
            milliseconds = seconds * 1000
        } else if let date = try? Date(text, strategy: .iso8601) {
            milliseconds = date.timeIntervalSince1970 * 1000
        } else {
            throw HTTPError(.badRequest, message: "\(name): '\(text)' is neither seconds since 1970 nor an ISO 8601 time")
        }
        guard milliseconds >= Double(StatsWindow.times.lowerBound), milliseconds <= Double(StatsWindow.times.upperBound) else {
            throw HTTPError(.badRequest, message: "\(name): '\(text)' lies outside the years 1 to 9999")
        }
        return Int64(milliseconds)
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// `GET /api/v1/queues`.
struct QueuesReply: Encodable {
    var at: Int64
    var queues: [QueueNow]
    var waitingChats: [WaitingChat]
    init(state: LiveState) { (at, queues, waitingChats) = (state.at, state.queues, state.waiting) }
    enum CodingKeys: String, CodingKey { case at, queues, waitingChats = "waiting_chats" }
}

/// `GET /api/v1/agents`.
struct AgentsReply: Encodable {
    var at: Int64
    var agents: [AgentNow]
    init(state: LiveState) { (at, agents) = (state.at, state.agents) }
}

/// `GET /api/v1/chats`.
struct ChatsReply: Encodable {
    var chats: [ChatArchive.Chat]
}

/// `GET /api/v1/chats/ID/transcript`.
struct TranscriptReply: Encodable {
    var chat: String
    var lines: [ChatArchive.Line]
}
