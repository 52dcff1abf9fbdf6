import Foundation
import Hummingbird
import NIOCore
import Routing

/// "Download transcript" for a web visitor: `POST /transcript` with the session's token (form
/// field `token`, as the widget's hidden form sends it, or JSON `{"token": …}`; never in a URL,
/// where logs and history would keep it) answers the session's latest chat as plain text, as a
/// file to save. Notes and whispers never appear in it (`VisitorTranscript`).
struct TranscriptDownload: Sendable {
    let sessions: WebSessions
    let store: RoutingStore
    let desk: any VisitorDesk

    /// A token is 64 hex digits; anything longer is not read.
    static let maxBodyBytes = 1024

    func response(to request: Request) async throws -> Response {
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maxBodyBytes) } catch {
            return Self.plain(.contentTooLarge, "The request is too large.\n")
        }
        guard let token = Self.token(String(buffer: body)), let session = try await sessions.find(token) else {
            return Self.plain(.unauthorized, "A valid session token is required.\n")
        }
        guard !session.chat.isEmpty, let (_, lines) = try await store.chatWithTranscript(session.chat) else {
            return Self.plain(.notFound, "There is no chat to send a transcript of.\n")
        }
        let rules = desk.rules
        let text = VisitorTranscript.text(chat: session.chat, lines) { rules.agents[$0]?.name ?? "Agent" }
        var headers = Self.plainHeaders
        headers[.contentDisposition] = "attachment; filename=\"transcript-\(session.chat).txt\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// The token from a form body (`token=HEX`) or JSON (`{"token":"HEX"}`); nil if neither.
    static func token(_ body: String) -> String? {
        if body.hasPrefix("{") {
            struct Form: Decodable { let token: String }
            return try? JSONDecoder().decode(Form.self, from: Data(body.utf8)).token
        }
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == "token" { return String(parts[1]) }
        }
        return nil
    }

    private static let plainHeaders: HTTPFields = [
        .contentType: "text/plain; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
    ]

    private static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: plainHeaders, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
