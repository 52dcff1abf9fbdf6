import COpenSSL
import TLS

/// Cryptographically secure random bytes from OpenSSL's default generator.
public enum SecureRandom {
    /// `count` random bytes; throws when the generator is not seeded or fails.
    public static func bytes(count: Int) throws(CryptoError) -> [UInt8] {
        guard let length = Int32(exactly: count), length >= 0 else {
            throw .invalidArgument("cannot draw \(count) random bytes")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        OpenSSLErrorQueue.clear()
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, length) }
        guard status == 1 else {
            throw .openSSLFailure(operation: "RAND_bytes", reason: OpenSSLErrorQueue.drain())
        }
        return bytes
    }
}
