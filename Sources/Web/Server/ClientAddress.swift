import Foundation
import Hummingbird
import Workflow

/// Who a request really comes from, for the per-address limits: the peer itself, or, when the peer
/// is one of the workflow's `http.trusted_proxies`, the client the proxies name in `Forwarded`
/// (RFC 7239) or `X-Forwarded-For`. Headers from anyone else are ignored: a client could write
/// anything there.
struct ClientAddress: Sendable {
    let trustedProxies: [IPNetwork]

    /// Hops past this many are not read: no real chain of proxies is that long.
    static let maximumHops = 20

    /// The key the limits count by (an IPv6 client by its /64; see `IPAddress.limitKey`).
    func limitKey(peer: String?, headers: HTTPFields) -> String {
        guard let peer = peer.flatMap({ IPAddress($0) }) else { return peer ?? "unknown" }
        guard isTrusted(peer) else { return peer.limitKey }
        // Walk back from the nearest hop: each trusted proxy vouches for the hop before it, and the
        // first address that is no proxy of ours is the client. An unreadable hop ends the walk at
        // the last address known (the proxy that wrote it).
        var client = peer
        for hop in Self.hops(headers).reversed() {
            guard let address = hop else { break }
            client = address
            guard isTrusted(address) else { break }
        }
        return client.limitKey
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The forwarding chain, client first, nearest proxy last; nil for a hop that is no address
    /// (`unknown`, an obfuscated `_name`). `Forwarded` wins over `X-Forwarded-For` when both are there.
    static func hops(_ headers: HTTPFields) -> [IPAddress?] {
        let forwarded = values(of: "forwarded", in: headers)
        if !forwarded.isEmpty {
            let elements = forwarded.joined(separator: ",").split(separator: ",").suffix(maximumHops)
            return elements.map { element in
                let pairs = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let pair = pairs.first(where: { $0.lowercased().hasPrefix("for=") }) else { return nil }
                return address(withPort: pair.dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            }
        }
        let forwardedFor = values(of: "x-forwarded-for", in: headers).joined(separator: ",").split(separator: ",").suffix(maximumHops)
        return forwardedFor.map { address(withPort: $0.trimmingCharacters(in: .whitespaces)) }
    }

    private static func values(of name: String, in headers: HTTPFields) -> [String] {
        headers.filter { $0.name.canonicalName == name }.map(\.value)
    }

    /// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711` or `2001:db8::1`.
    private static func address(withPort text: String) -> IPAddress? {
        if let address = IPAddress(text) { return address }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { return IPAddress(text[...close]) }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") { return IPAddress(text[..<colon]) }
        return nil
    }
}

