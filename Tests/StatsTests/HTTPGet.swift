import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET's answer.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: Data
    var contentType: String?
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// GETs `url`, with `Authorization: Bearer TOKEN` when a token is given.
func httpGet(_ url: String, token: String? = nil) async throws -> HTTPAnswer {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = 30
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    return HTTPAnswer(status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type"))
}
