/// A block of addresses written as CIDR (`10.0.0.0/8`, `fd00::/8`, or one address alone): the
/// workflow's `http.trusted_proxies`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init(_ text: String) throws(WorkflowValueError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else {
            throw WorkflowValueError("'\(text)' is not an IP address or network (write it like 10.0.0.0/8 or fd00::/8)")
        }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard parts[1].count <= 3, let number = Int(parts[1]), (0...bits).contains(number) else {
                throw WorkflowValueError("'\(text)': the prefix length must be a number from 0 to \(bits)")
            }
            length = number
        }
        self.address = address
        self.prefixLength = length
    }

    /// Whether `other` lies in this block (an IPv4 block holds no IPv6 address and the reverse).
    public func contains(_ other: IPAddress) -> Bool {
        guard other.bytes.count == address.bytes.count else { return false }
        var left = prefixLength
        for (a, b) in zip(address.bytes, other.bytes) where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xff : ~(0xff >> UInt8(left))
            guard a & mask == b & mask else { return false }
            left -= 8
        }
        return true
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
