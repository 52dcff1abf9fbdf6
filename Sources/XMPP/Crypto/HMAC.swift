import COpenSSL

/// Keyed-hash message authentication codes (RFC 2104) from libcrypto.
public enum HMAC {
    /// HMAC-SHA-1 of `message` under `key`: 20 bytes.
    public static func sha1(key: [UInt8], message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let keyLength = Int32(exactly: key.count) else {
            throw .invalidArgument("HMAC key of \(key.count) bytes is too long")
        }
        var mac = [UInt8](repeating: 0, count: Digest.sha1Length)
        var length: UInt32 = 0
        OpenSSLErrorQueue.clear()
        let result = key.withUnsafeBytes { key in
            message.withUnsafeBytes { message in
                mac.withUnsafeMutableBufferPointer { output in
                    COpenSSL.HMAC(
                        EVP_sha1(), key.baseAddress, keyLength,
                        message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                        output.baseAddress, &length
                    )
                }
            }
        }
        guard result != nil, length == Digest.sha1Length else {
            throw .openSSLFailure(operation: "HMAC(SHA-1)", reason: OpenSSLErrorQueue.drain())
        }
        return mac
    }
}

extension HMAC {
    /// Whether two MACs are equal, compared in constant time so that timing tells an attacker nothing.
    public static func equal(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count else { return false }
        guard !first.isEmpty else { return true }
        return first.withUnsafeBytes { first in
            second.withUnsafeBytes { second in
                CRYPTO_memcmp(first.baseAddress, second.baseAddress, first.count) == 0
            }
        }
    }
}
