import Foundation
import HTML
import Hummingbird
import NIOCore

/// The widget's files (Assets/ in this target, embedded in the binary when it is built, so an
/// installed binary needs no resource bundle beside it): served from memory.
struct WidgetAssets: Sendable {
    enum Asset: Sendable {
        case page(queue: String)
        case script
        case stylesheet
    }

    let page: String
    let script: ByteBuffer
    let stylesheet: ByteBuffer

    static func load() throws(WebServiceError) -> WidgetAssets {
        func read(_ name: String, _ bytes: [UInt8]) throws(WebServiceError) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .missingAsset(name) }
            return text
        }
        return WidgetAssets(
            page: try read("demo.html", PackageResources.demo_html),
            script: ByteBuffer(string: try read("widget.js", PackageResources.widget_js)),
            stylesheet: ByteBuffer(string: try read("widget.css", PackageResources.widget_css)))
    }

    func response(_ asset: Asset) -> Response {
        var headers: HTTPFields = [.xContentTypeOptions: "nosniff", .cacheControl: "no-cache"]
        let body: ByteBuffer
        switch asset {
        case .page(let queue):
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data: https:; frame-ancestors 'none'"
            body = ByteBuffer(string: page.replacingOccurrences(of: "{{queue}}", with: HTMLText.escape(queue)))
        case .script:
            headers[.contentType] = "text/javascript; charset=utf-8"
            body = script
        case .stylesheet:
            headers[.contentType] = "text/css; charset=utf-8"
            body = stylesheet
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
