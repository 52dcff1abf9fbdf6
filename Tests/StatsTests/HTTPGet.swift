import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET's answer.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: Data
    var contentType: String?
    var location: String?
    var setCookie: String?
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// GETs `url`, with `Authorization: Bearer TOKEN` when a token is given; redirects are followed
/// unless `followRedirects` is false.
func httpGet(_ url: String, token: String? = nil, cookie: String? = nil, followRedirects: Bool = true) async throws -> HTTPAnswer {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = 30
    request.httpShouldHandleCookies = false
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
    let session = followRedirects ? URLSession.shared : URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
    let (data, response) = try await session.data(for: request)
    let http = response as! HTTPURLResponse
    return HTTPAnswer(
        status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type"),
        location: http.value(forHTTPHeaderField: "Location"), setCookie: http.value(forHTTPHeaderField: "Set-Cookie"))
}

/// Stops URLSession at a redirect, so a test sees it.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
