import Foundation
import Redis
import Routing
import Stats
import Web
import Webhooks

/// Everything Redis holds that identifies one person, found and removed: their chats' records and
/// transcripts (the stats' per-minute facts name no visitor and stay), visitor indexes, web
/// sessions, their uploaded files (on disk under `http.uploads.dir` and described in Redis), webhook
/// deliveries and dead letters of those chats, and the events naming them (`rated` ones carry the
/// rating's comment; the chat's record holds it too). It lives with the command because it reaches the keys of every part (routing, web,
/// webhooks, stats); each part still names its own keys.
struct SubjectErasure {
    /// A visitor JID, a web visitor id (`web:…`), or an e-mail address given in the web form.
    let subject: String
    let redis: RedisClient
    let prefix: String
    /// `http.uploads.dir`, where web visitors' files are kept (nil: the workflow takes no uploads).
    var uploadsDirectory: String?

    /// What was (or, in a dry run, would be) removed.
    struct Found {
        var chats: [String] = []
        var keys: Set<String> = []
        /// Hash fields and sorted-set members in shared keys: (key, field or member).
        var fields: [(key: String, field: String)] = []
        var members: [(key: String, member: String)] = []
        var events: [String] = []
        /// Uploaded files on disk (their descriptions are in `keys`).
        var files: [String] = []
        /// `queued` events naming them that a consumer group has yet to read: left for it (the
        /// stream is trimmed within a day of every group reading them).
        var unreadEvents = 0
    }

    var routing: RoutingKeys { RoutingKeys(prefix: prefix) }

    /// Looks everything up without changing anything.
    func find() async throws -> Found {
        var found = Found()
        let subject = self.subject
        let lowered = subject.lowercased()
        // Web sessions: by their visitor id, or the e-mail given in the form.
        var visitors: Set<String> = [subject]
        for key in try await scan(WebKeys(routing).session("*")) {
            let values = (try await redis.send("HMGET", key, "visitor", "email").array ?? []).map(\.string)
            guard values.count == 2, let visitor = values[0] else { continue }
            if visitor == subject || values[1]?.lowercased() == lowered {
                visitors.insert(visitor)
                found.keys.insert(key)
            }
        }
        // Chats: by their visitor, or the e-mail in a web visitor's display name ("Jane <jane@…>").
        for key in try await scan(routing.chat("*")) {
            let id = String(key.dropFirst(routing.chat("").count))
            guard !id.isEmpty, id.allSatisfy(\.isNumber) else { continue }
            let values = (try await redis.send("HMGET", key, "visitor", "name").array ?? []).map(\.string)
            guard values.count == 2 else { continue }
            let named = values[1]?.lowercased().contains("<\(lowered)>") ?? false
            guard let visitor = values[0], visitors.contains(visitor) || named else { continue }
            visitors.insert(visitor)
            found.chats.append(id)
        }
        found.chats.sort { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
        let chats = Set(found.chats)
        for chat in found.chats {
            for key in [routing.chat(chat), routing.transcript(chat), routing.monitors(chat), routing.declined(chat),
                        routing.chatTimers(chat), routing.seen(chat), routing.relayIDs(chat), StatsKeys(prefix: prefix).chat(chat)] {
                if try await redis.send("EXISTS", key).int == 1 { found.keys.insert(key) }
            }
        }
        for visitor in visitors {
            // Their open chat per queue, the chat they may still rate, and a wait that ran out.
            let escaped = Self.globEscaped(visitor)
            for pattern in [routing.visitorChat(queue: "*", visitor: escaped), routing.rating(queue: "*", visitor: escaped),
                            routing.leaveMessage(queue: "*", visitor: escaped)] {
                for key in try await scan(pattern) {
                    // A queue name has no ':' (workflow names), so the rest is the visitor exactly.
                    if key.hasSuffix(":" + visitor) { found.keys.insert(key) }
                }
            }
            // Their last chat, for `/transcript`.
            if try await redis.send("EXISTS", routing.lastChat(visitor: visitor)).int == 1 { found.keys.insert(routing.lastChat(visitor: visitor)) }
        }
        try await findWebhookEntries(chats: chats, into: &found)
        try await findUploads(chats: chats, visitors: visitors, into: &found)
        try await findEvents(chats: chats, visitors: visitors, into: &found)
        return found
    }

    /// Removes what `find` found; open chats are closed first, so no router holds them.
    func erase(_ found: Found, store: RoutingStore) async throws {
        for chat in found.chats where try await store.chat(chat)?["state"] != ChatStatus.closed.rawValue {
            _ = try await store.close(chat: chat, by: .system)
        }
        for key in found.keys.sorted() { _ = try await redis.send("DEL", key) }
        for (key, field) in found.fields { _ = try await redis.send("HDEL", key, field) }
        for (key, member) in found.members { _ = try await redis.send("ZREM", key, member) }
        if !found.events.isEmpty { _ = try await redis.send(RedisCommand("XDEL", [routing.events] + found.events)) }
        for file in found.files where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }
    }

    /// Files a web visitor sent: by their visitor, or the chat they went to. The file goes even
    /// when the workflow no longer names the folder's description (nothing to find it by then).
    private func findUploads(chats: Set<String>, visitors: Set<String>, into found: inout Found) async throws {
        let web = WebKeys(routing)
        let head = web.upload("")
        for key in try await scan(web.upload("*")) {
            let id = String(key.dropFirst(head.count))
            let values = (try await redis.send("HMGET", key, "visitor", "chat").array ?? []).map(\.string)
            guard values.count == 2 else { continue }
            guard values[0].map({ visitors.contains($0) }) ?? false || values[1].map({ chats.contains($0) }) ?? false else { continue }
            found.keys.insert(key)
            // Only a name the upload store itself gives (32 hex digits) is a path in the folder.
            if let directory = uploadsDirectory, Upload.isID(id) {
                for name in [id, ".\(id).part"] where FileManager.default.fileExists(atPath: "\(directory)/\(name)") {
                    found.files.append("\(directory)/\(name)")
                }
            }
        }
    }

    private func findWebhookEntries(chats: Set<String>, into found: inout Found) async throws {
        let hooks = WebhookKeys(prefix: prefix)
        let head = String(hooks.due("").dropLast("::due".count))  // `{p}:webhooks:hook`
        for key in try await scan(head + ":*:chat:*") {
            guard let range = key.range(of: ":chat:", options: .backwards) else { continue }
            let chat = String(key[range.upperBound...])
            guard chats.contains(chat) else { continue }
            found.keys.insert(key)
            let hook = String(key[key.index(key.startIndex, offsetBy: head.count + 1)..<range.lowerBound])
            found.members.append((hooks.due(hook), chat))
            found.fields += [(hooks.tries(hook), chat + "|n"), (hooks.tries(hook), chat + "|first")]
        }
        for chat in chats { found.fields.append((hooks.sameTime, chat)) }
        let letters = (try await redis.send("HGETALL", hooks.failed).array ?? []).map(\.string)
        for index in stride(from: 0, to: letters.count - 1, by: 2) {
            guard let id = letters[index], let json = letters[index + 1],
                let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                let delivery = object["delivery"] as? [String: Any], let chat = delivery["chat"] as? String, chats.contains(chat)
            else { continue }
            found.fields.append((hooks.failed, id))
            found.members.append((hooks.failedOrder, id))
        }
    }

    /// The event stream's `queued` entries name the visitor, `rated` ones carry their comment; the
    /// others only chat ids. Only
    /// entries every consumer group has read and acknowledged go: one a group has yet to read
    /// must reach it (stats, webhooks).
    private func findEvents(chats: Set<String>, visitors: Set<String>, into found: inout Found) async throws {
        let floor = try await readByAllGroups()
        var start = "-"
        while true {
            let rows = try await redis.send("XRANGE", routing.events, start, "+", "COUNT", "1000").array ?? []
            for row in rows {
                guard let parts = row.array, parts.count == 2, let id = parts[0].string, let values = parts[1].array else { continue }
                start = "(" + id
                var fields: [String: String] = [:]
                for index in stride(from: 0, to: values.count - 1, by: 2) {
                    if let name = values[index].string { fields[name] = values[index + 1].string ?? "" }
                }
                // `rated` entries of their chats carry the rating's comment, their words.
                let names = fields["visitor"].map { visitors.contains($0) } ?? false
                let says = fields["comment"] != nil && chats.contains(fields["chat"] ?? "")
                if names || says {
                    if floor.map({ Self.order(id) < $0 }) ?? true { found.events.append(id) } else { found.unreadEvents += 1 }
                }
            }
            if rows.count < 1000 { return }
        }
    }

    /// The stream id below which every group has read and acknowledged everything (nil: no group).
    private func readByAllGroups() async throws -> (Int64, Int64)? {
        var floor: (Int64, Int64)?
        guard try await redis.send("EXISTS", routing.events).int == 1 else { return nil }
        for group in try await redis.send("XINFO", "GROUPS", routing.events).array ?? [] {
            let pairs = (group.array ?? []).map { $0.string ?? $0.int.map(String.init) ?? "" }
            var info: [String: String] = [:]
            for index in stride(from: 0, to: pairs.count - 1, by: 2) { info[pairs[index]] = pairs[index + 1] }
            guard let name = info["name"], let delivered = info["last-delivered-id"] else { continue }
            var bound = Self.order(delivered)
            bound.1 += 1  // the last delivered entry itself was read
            if Int(info["pending"] ?? "0") ?? 0 > 0,
                let smallest = try await redis.send("XPENDING", routing.events, name).array?[1].string
            {
                let pending = Self.order(smallest)
                if pending < bound { bound = pending }
            }
            if floor.map({ bound < $0 }) ?? true { floor = bound }
        }
        return floor
    }

    static func order(_ id: String) -> (Int64, Int64) {
        let parts = id.split(separator: "-")
        return (Int64(parts.first ?? "") ?? 0, Int64(parts.count > 1 ? parts[1] : "") ?? 0)
    }

    private func scan(_ pattern: String) async throws -> [String] {
        var cursor = "0"
        var keys: [String] = []
        repeat {
            let reply = try await redis.send("SCAN", cursor, "MATCH", pattern, "COUNT", "1000").array ?? []
            guard reply.count == 2, let next = reply[0].string else { break }
            cursor = next
            keys += (reply[1].array ?? []).compactMap(\.string)
        } while cursor != "0"
        return keys
    }

    /// `visitor` as a glob matching itself only (SCAN MATCH).
    static func globEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "*?[]\\^".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
