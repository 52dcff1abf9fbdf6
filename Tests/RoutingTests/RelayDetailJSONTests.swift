import Foundation
@testable import Routing
import Testing

/// A relayed line's detail is written without JSONEncoder when it carries only its id (issue 16):
/// it must read back as the same detail, as JSONEncoder's text does (whose key order varies).
@Suite struct RelayDetailJSONTests {
    @Test(arguments: [
        RelayDetail(id: RelayDetail.newID()), RelayDetail(id: "sb-1f", markable: true), RelayDetail(id: "m_2-X"),
        RelayDetail(id: "with \"quote\" / slash"), RelayDetail(id: "sb-2", replaces: "sb-1"),
        RelayDetail(id: "sb-3", attachment: Attachment(url: "https://x.test/a.png")),
    ])
    func theDetailReadsBackAsItself(_ detail: RelayDetail) throws {
        #expect(try JSONDecoder().decode(RelayDetail.self, from: Data(detail.json.utf8)) == detail, "\(detail.json)")
        let object = try JSONSerialization.jsonObject(with: Data(detail.json.utf8)) as? [String: Any]
        #expect(object?["id"] as? String == detail.id)
    }

    @Test func aPlainIDIsWrittenDirectly() {
        #expect(RelayDetail(id: "sb-1f").json == #"{"id":"sb-1f"}"#)
        #expect(RelayDetail(id: "sb-1f", markable: true).json == #"{"id":"sb-1f","markable":true}"#)
    }
}
