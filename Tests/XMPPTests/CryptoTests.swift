import Testing
import XMPP

/// Known-answer tests of the libcrypto facade: RFC 3174 (SHA-1), RFC 2202 (HMAC-SHA-1), RFC 4231 (HMAC-SHA-256), RFC 6070 (PBKDF2).
@Suite struct CryptoTests {
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func sha1MatchesRFC3174(input: String, expected: String) {
        #expect(Hex.encode(Digest.sha1(Array(input.utf8))) == expected)
        #expect(Digest.sha1Hex(input) == expected)
    }

    @Test func sha1OfAMillionAs() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Hex.encode(Digest.sha1(input)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func sha1AcceptsNonContiguousSequences() {
        #expect(Digest.sha1("abc".utf8.lazy.map { $0 }) == Digest.sha1(Array("abc".utf8)))
    }

    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b617318655057264e28bc0b6fb378c8ef146be00"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (
            [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
            "125d7342b9ac11cd91a39af48aa17b4f63f175d3"
        ),
        (
            [UInt8](repeating: 0xaa, count: 80),
            Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        ),
    ])
    func hmacSHA1MatchesRFC2202(key: [UInt8], message: [UInt8], expected: String) throws {
        #expect(Hex.encode(try HMAC.sha1(key: key, message: message)) == expected)
    }

    @Test(arguments: [
        (
            [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            [UInt8](repeating: 0xaa, count: 131),
            Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ])
    func hmacSHA256MatchesRFC4231(key: [UInt8], message: [UInt8], expected: String) throws {
        #expect(Hex.encode(try HMAC.sha256(key: key, message: message)) == expected)
    }

    @Test(arguments: [
        ("password", "salt", 1, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        ("password", "salt", 2, 20, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        ("password", "salt", 4096, 20, "4b007901b765489abead49d926f721d065a429c1"),
        (
            "passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25,
            "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"
        ),
        ("pass\0word", "sa\0lt", 4096, 16, "56fa6aa75548099dcc37d7f03425e0c3"),
    ])
    func pbkdf2SHA1MatchesRFC6070(
        password: String, salt: String, iterations: Int, length: Int, expected: String
    ) throws {
        let key = try PBKDF2.sha1(
            password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations, keyLength: length
        )
        #expect(Hex.encode(key) == expected)
    }

    @Test func pbkdf2RejectsZeroIterations() {
        #expect(throws: CryptoError.self) {
            try PBKDF2.sha1(password: [1], salt: [2], iterations: 0)
        }
    }

    @Test func secureRandomGivesTheCountAskedFor() throws {
        let first = try SecureRandom.bytes(count: 32)
        let second = try SecureRandom.bytes(count: 32)
        #expect(first.count == 32)
        #expect(first != second)
        #expect(try SecureRandom.bytes(count: 0).isEmpty)
    }

    @Test func hexIsLowercaseTwoDigitsPerByte() {
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.encode([]) == "")
    }
}
