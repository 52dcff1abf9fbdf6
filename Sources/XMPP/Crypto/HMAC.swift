import COpenSSL
import TLS

/// Keyed-hash message authentication codes (RFC 2104) from libcrypto.
public enum HMAC {
    /// The length of an HMAC-SHA-256 in bytes.
    public static let sha256Length = 32

    /// HMAC-SHA-1 of `message` under `key`: 20 bytes.
    public static func sha1(key: [UInt8], message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try mac(EVP_sha1(), "SHA-1", length: Digest.sha1Length, key: key, message: message)
    }

    /// HMAC-SHA-256 of `message` under `key`: 32 bytes (webhook signatures).
    public static func sha256(key: [UInt8], message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try mac(EVP_sha256(), "SHA-256", length: sha256Length, key: key, message: message)
    }

    private static func mac(
        _ digest: OpaquePointer?, _ name: String, length expected: Int, key: [UInt8], message: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        guard let keyLength = Int32(exactly: key.count) else {
            throw .invalidArgument("HMAC key of \(key.count) bytes is too long")
        }
        var mac = [UInt8](repeating: 0, count: expected)
        var length: UInt32 = 0
        OpenSSLErrorQueue.clear()
        let result = key.withUnsafeBytes { key in
            message.withUnsafeBytes { message in
                mac.withUnsafeMutableBufferPointer { output in
                    COpenSSL.HMAC(
                        digest, key.baseAddress, keyLength,
                        message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                        output.baseAddress, &length
                    )
                }
            }
        }
        guard result != nil, length == expected else {
            throw .openSSLFailure(operation: "HMAC(\(name))", reason: OpenSSLErrorQueue.drain())
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
