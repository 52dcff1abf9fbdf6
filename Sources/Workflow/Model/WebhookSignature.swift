import XMPP

/// The signature a receiver checks: `sha256=` and the lowercase hex of
/// HMAC-SHA256(secret, timestamp + "." + body), over the body's exact bytes. The timestamp (Unix
/// seconds, also sent as `X-Switchboard-Timestamp`) is signed with it so a receiver can refuse
/// an old request replayed by someone who recorded it. Webhooks and a queue's bot are signed
/// alike, so one receiver check serves both.
public enum WebhookSignature {
    public static let timestampHeader = "X-Switchboard-Timestamp"
    public static let signatureHeader = "X-Switchboard-Signature"

    /// The `X-Switchboard-Signature` value.
    public static func sign(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        let message = Array("\(timestamp).".utf8) + body
        do {
            return "sha256=" + Hex.encode(try HMAC.sha256(key: Array(secret.utf8), message: message))
        } catch {
            // Only a key over 2 GiB or a libcrypto without SHA-256 fails here, neither of which a
            // workflow can produce: a bug, named.
            fatalError("HMAC-SHA256 failed: \(error)")
        }
    }

    /// The headers that sign `body`: the timestamp and the signature.
    public static func headers(secret: String, timestamp: Int64, body: [UInt8]) -> [(name: String, value: String)] {
        [(timestampHeader, String(timestamp)), (signatureHeader, sign(secret: secret, timestamp: timestamp, body: body))]
    }

    /// Whether `signature` is `sign(secret:timestamp:body:)`, compared in constant time.
    public static func verify(_ signature: String, secret: String, timestamp: Int64, body: [UInt8]) -> Bool {
        HMAC.equal(Array(signature.utf8), Array(sign(secret: secret, timestamp: timestamp, body: body).utf8))
    }
}
