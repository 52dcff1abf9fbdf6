import COpenSSL
import TLS

/// Message digests from libcrypto.
public enum Digest {
    /// The length of a SHA-1 digest in bytes.
    public static let sha1Length = 20

    /// SHA-1 (RFC 3174) of `bytes`.
    ///
    /// Not throwing: with the libcrypto this package links, the one-shot digest fails only when
    /// the SHA-1 implementation cannot be loaded or memory runs out, which no caller can recover
    /// from, so that traps with OpenSSL's reason instead of burdening every call site.
    public static func sha1(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let contiguous = bytes.withContiguousStorageIfAvailable { sha1(buffer: UnsafeRawBufferPointer($0)) }
        return contiguous ?? Array(bytes).withUnsafeBytes { sha1(buffer: $0) }
    }

    /// The lowercase hex SHA-1 of `text`'s UTF-8: the XEP-0114 handshake is `sha1Hex(streamID + secret)`.
    public static func sha1Hex(_ text: String) -> String {
        Hex.encode(sha1(text.utf8))
    }

    private static func sha1(buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: sha1Length)
        var length: UInt32 = 0
        OpenSSLErrorQueue.clear()
        let status = digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(buffer.baseAddress, buffer.count, output.baseAddress, &length, EVP_sha1(), nil)
        }
        guard status == 1, length == sha1Length else {
            fatalError("EVP_Digest(SHA-1) failed: \(OpenSSLErrorQueue.drain())")
        }
        return digest
    }
}
