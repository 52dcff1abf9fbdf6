import COpenSSL
import TLS

/// Password-based key derivation (PBKDF2, RFC 8018) from libcrypto.
public enum PBKDF2 {
    /// PBKDF2 with HMAC-SHA-1, as SCRAM-SHA-1's `Hi()`: `keyLength` bytes derived from `password` and `salt`.
    public static func sha1(
        password: [UInt8], salt: [UInt8], iterations: Int, keyLength: Int = Digest.sha1Length
    ) throws(CryptoError) -> [UInt8] {
        guard let passwordLength = Int32(exactly: password.count),
              let saltLength = Int32(exactly: salt.count),
              let rounds = Int32(exactly: iterations), rounds > 0,
              let length = Int32(exactly: keyLength), length > 0
        else {
            throw .invalidArgument(
                "PBKDF2 needs positive, 32-bit iterations (\(iterations)) and key length (\(keyLength))"
            )
        }
        var key = [UInt8](repeating: 0, count: keyLength)
        OpenSSLErrorQueue.clear()
        let status = password.withUnsafeBytes { password in
            salt.withUnsafeBufferPointer { salt in
                key.withUnsafeMutableBufferPointer { output in
                    PKCS5_PBKDF2_HMAC_SHA1(
                        password.baseAddress?.assumingMemoryBound(to: CChar.self), passwordLength,
                        salt.baseAddress, saltLength, rounds, length, output.baseAddress
                    )
                }
            }
        }
        guard status == 1 else {
            throw .openSSLFailure(operation: "PKCS5_PBKDF2_HMAC_SHA1", reason: OpenSSLErrorQueue.drain())
        }
        return key
    }
}
