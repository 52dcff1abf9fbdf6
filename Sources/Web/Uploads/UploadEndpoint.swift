import Foundation
import Hummingbird
import Routing
import Workflow

/// `POST /upload` and `GET /uploads/ID`: a web visitor's files (docs/web-protocol.md, "Files").
///
/// An upload needs the visitor's session token (`Authorization: Bearer TOKEN`), is read up to
/// `http.uploads.max_bytes` and no further, must be one of `http.uploads.types` by its content,
/// and is limited per session; what is refused is not stored. The answer names the upload's id,
/// which the widget then sends in a `message` frame: that line, kept in the chat, carries the
/// file to the agent. Downloads are served as attachments the browser may not sniff.
struct UploadEndpoint: Sendable {
    let store: UploadStore
    let sessions: WebSessions
    let perSession: FloodLimiter
    let allowedOrigins: [String]

    struct Answer: Encodable {
        var id, url, name, type: String
        var size: Int
    }

    func upload(_ request: Request) async throws -> Response {
        let origin = request.headers[.origin]
        func refuse(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
            json(status, ["error": code, "message": message], origin: origin)
        }
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
            let session = try await sessions.find(String(authorization.dropFirst("Bearer ".count)))
        else { return refuse(.unauthorized, "invalid-token", "An upload needs the session token of the chat.") }
        guard perSession.allow(session.visitor) else {
            return refuse(.tooManyRequests, "rate-limited", "Too many files at once; please wait a moment.")
        }
        let limit = store.settings.maxBytes
        // Refused before reading when the client says it is too large; cut off while reading otherwise.
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return refuse(.contentTooLarge, "too-large", "Files are limited to \(limit) bytes.")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            return refuse(.contentTooLarge, "too-large", "Files are limited to \(limit) bytes.")
        }
        let bytes = Array(body.readableBytesView)
        guard let type = UploadKind.sniff(bytes), store.settings.types.contains(type) else {
            return refuse(
                .unsupportedMediaType, "forbidden-type", "Files may be: \(store.settings.types.joined(separator: ", ")).")
        }
        let name = UploadName.clean(request.uri.queryParameters.get("name"), type: type)
        let upload = try await store.save(bytes, name: name, type: type, visitor: session.visitor, baseURL: Self.baseURL(request))
        return json(.created, Answer(id: upload.id, url: upload.url, name: upload.name, type: upload.type, size: upload.size), origin: origin)
    }

    func download(_ id: String) async throws -> Response {
        guard let upload = try await store.find(id), let data = FileManager.default.contents(atPath: store.path(upload.id)) else {
            return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "No such file.\n")))
        }
        let encoded = upload.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        let ascii = String(upload.name.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        let headers: HTTPFields = [
            .contentType: upload.type,
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
            .cacheControl: "private, no-store",
            .contentSecurityPolicy: "default-src 'none'; sandbox",
            .xContentTypeOptions: "nosniff",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A browser on an allowed origin asks before it posts with a token (CORS preflight).
    func preflight(_ request: Request) -> Response {
        var response = Response(status: .noContent)
        addCORS(&response.headers, origin: request.headers[.origin])
        response.headers[.accessControlAllowMethods] = "POST"
        response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
        response.headers[.accessControlMaxAge] = "600"
        return response
    }

    private func json(_ status: HTTPResponse.Status, _ value: some Encodable, origin: String?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        addCORS(&headers, origin: origin)
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func addCORS(_ headers: inout HTTPFields, origin: String?) {
        guard let origin = origin?.lowercased(), allowedOrigins.contains(origin) else { return }
        headers[.accessControlAllowOrigin] = origin
        headers[.vary] = "Origin"
    }

    /// Where agents reach the file: the host the visitor's browser used, over https when a proxy says so.
    static func baseURL(_ request: Request) -> String {
        let host = request.head.authority.flatMap { host in
            host.utf8.allSatisfy { $0 < 0x80 && (isalnum(Int32($0)) != 0 || "-.:[]".utf8.contains($0)) } && !host.isEmpty ? host : nil
        } ?? "localhost"
        let proto = request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value.lowercased()
        let scheme = proto == "https" ? "https" : "http"
        return "\(scheme)://\(host)"
    }
}
