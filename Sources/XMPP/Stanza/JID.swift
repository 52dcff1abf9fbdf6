/// An XMPP address (RFC 7622): `local@domain/resource`, with the domain and local
/// part case-folded so that equal addresses compare equal.
///
/// Full PRECIS profiles (NFC, width mapping) are not applied; the rules below refuse
/// what RFC 7622 forbids in each part and bound every part to 1,023 bytes.
public struct JID: Sendable, Hashable, CustomStringConvertible, Comparable {
    public let local: String?
    public let domain: String
    public let resource: String?

    static let maxPartBytes = 1023

    /// Parses and validates `string`.
    public init(_ string: some StringProtocol) throws(JIDError) {
        // The resource is everything after the first slash; the local part is before an '@' that precedes it.
        let slash = string.firstIndex(of: "/")
        let bareEnd = slash ?? string.endIndex
        let at = string[..<bareEnd].firstIndex(of: "@")
        let local = at.map { String(string[..<$0]) }
        let domainStart = at.map { string.index(after: $0) } ?? string.startIndex
        let domain = String(string[domainStart..<bareEnd])
        let resource = slash.map { String(string[string.index(after: $0)...]) }
        try self.init(local: local, domain: domain, resource: resource)
    }

    /// Builds an address from its parts, validating each.
    public init(local: String? = nil, domain: String, resource: String? = nil) throws(JIDError) {
        if let local { try Self.validateLocal(local) }
        var domain = domain.lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }  // a fully qualified name's trailing dot
        try Self.validateDomain(domain)
        if let resource { try Self.validateResource(resource) }
        self.local = local?.lowercased()
        self.domain = domain
        self.resource = resource
    }

    /// The address without its resource.
    public var bare: JID {
        JID(validatedLocal: local, domain: domain, resource: nil)
    }

    public var isBare: Bool { resource == nil }

    /// The same bare address with another resource.
    public func with(resource: String?) throws(JIDError) -> JID {
        if let resource { try Self.validateResource(resource) }
        return JID(validatedLocal: local, domain: domain, resource: resource)
    }

    public var description: String {
        var text = local.map { "\($0)@" } ?? ""
        text += domain
        if let resource { text += "/\(resource)" }
        return text
    }

    public static func < (lhs: JID, rhs: JID) -> Bool { lhs.description < rhs.description }

    private init(validatedLocal local: String?, domain: String, resource: String?) {
        self.local = local
        self.domain = domain
        self.resource = resource
    }

    // Every stanza's addresses are parsed: plain ASCII (nearly every address) is checked byte by
    // byte, without Unicode property look-ups or allocations; anything else takes the full path.

    private static func validateLocal(_ local: String) throws(JIDError) {
        try validateLength(local, part: .local)
        if local.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbiddenInLocal.contains($0) }) { return }
        for scalar in local.unicodeScalars
        where scalar.isASCII && forbiddenInLocal.contains(UInt8(scalar.value)) || scalar.properties.isWhitespace || isControl(scalar) {
            throw JIDError(.invalidCharacter(scalar), part: .local)
        }
    }

    /// RFC 7622 §3.3.1: these may not appear in a localpart.
    private static let forbiddenInLocal: [UInt8] = Array("\"&'/:<>@".utf8)

    private static func validateDomain(_ domain: String) throws(JIDError) {
        try validateLength(domain, part: .domain)
        if domain.hasPrefix("[") {
            // An IPv6 literal.
            guard domain.hasSuffix("]"), domain.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else { throw JIDError(.invalidDomain, part: .domain) }
            return
        }
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else {
                throw JIDError(.invalidDomain, part: .domain)
            }
            if label.utf8.allSatisfy(isASCIIHostByte) { continue }
            for scalar in label.unicodeScalars {
                let allowed = scalar.isASCII
                    ? (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
                    : !(scalar.properties.isWhitespace || isControl(scalar))
                if !allowed { throw JIDError(.invalidCharacter(scalar), part: .domain) }
            }
        }
    }

    private static func isASCIIHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    private static func validateResource(_ resource: String) throws(JIDError) {
        try validateLength(resource, part: .resource)
        if resource.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return }
        for scalar in resource.unicodeScalars where isControl(scalar) {
            throw JIDError(.invalidCharacter(scalar), part: .resource)
        }
    }

    private static func validateLength(_ part: String, part which: JIDError.Part) throws(JIDError) {
        if part.isEmpty { throw JIDError(.empty, part: which) }
        if part.utf8.count > maxPartBytes { throw JIDError(.tooLong, part: which) }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
            && scalar != "\u{200D}"  // zero-width joiner appears in ordinary emoji sequences
    }
}

/// Why a string is not a valid JID.
public struct JIDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The part of the address at fault.
    public enum Part: String, Sendable { case local = "local part", domain, resource }
    /// What is wrong with it.
    public enum Reason: Sendable, Hashable {
        case empty, tooLong, invalidDomain
        case invalidCharacter(Unicode.Scalar)
    }

    public let reason: Reason
    public let part: Part

    init(_ reason: Reason, part: Part) {
        self.reason = reason
        self.part = part
    }

    public var description: String {
        switch reason {
        case .empty: "the \(part.rawValue) of the address is empty"
        case .tooLong: "the \(part.rawValue) of the address is longer than \(JID.maxPartBytes) bytes"
        case .invalidDomain: "the domain is not a valid host name"
        case .invalidCharacter(let scalar):
            "the \(part.rawValue) of the address may not contain U+\(String(scalar.value, radix: 16, uppercase: true))"
        }
    }
}
