import COpenSSL

/// OpenSSL's per-thread error queue, read as text for typed errors.
package enum OpenSSLErrorQueue {
    /// Empties the queue, so that what a later call leaves there is its own doing.
    package static func clear() {
        ERR_clear_error()
    }

    /// Takes every queued error, oldest first, as OpenSSL's strings joined by "; ", and empties the queue.
    ///
    /// Returns `fallback` when OpenSSL queued nothing (some failures only set a return code).
    package static func drain(fallback: String = "no detail in the OpenSSL error queue") -> String {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            // 256 bytes is ERR_error_string_n's documented comfortable size; longer text is truncated.
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }
}
