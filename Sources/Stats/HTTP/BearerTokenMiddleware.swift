import Hummingbird
import Workflow

/// Lets a request through only with the stats token: `Authorization: Bearer TOKEN`, or the
/// dashboard's cookie (set when the dashboard is opened with `?token=`, since a browser cannot
/// send a header on navigation). Anything else gets 401 with a `WWW-Authenticate` challenge.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: Secret
    static var cookieName: String { "sb_stats_token" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard accepts(request) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Bearer realm=\"switchboard stats\"", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "a bearer token is required\n")))
        }
        return try await next(request, context)
    }

    func accepts(_ request: Request) -> Bool {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            Self.same(String(header.dropFirst("Bearer ".count)), token.value)
        {
            return true
        }
        if let cookie = request.cookies[Self.cookieName], Self.same(cookie.value, token.value) { return true }
        if request.uri.path == "/dashboard", let query = request.uri.queryParameters["token"], Self.same(String(query), token.value) {
            return true
        }
        return false
    }

    /// Compares in time independent of where the texts differ, so timing tells nothing of the token.
    static func same(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<b.count { difference |= b[index] ^ (index < a.count ? a[index] : 0) }
        return difference == 0
    }
}
