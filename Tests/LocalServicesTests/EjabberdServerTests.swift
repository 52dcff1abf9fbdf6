import Foundation
import SwitchboardTesting
import Testing

/// The test kit's ejabberd: a private node on free loopback ports with no epmd, accounts through its
/// admin API, restarted and stopped by the Erlang VM's PID.
@Suite struct EjabberdServerTests {
    static let clientHeader = ProsodyServerTests.clientHeader

    @Test func startsPrivatelyOnLoopbackWithoutEpmd() async throws {
        try await withXMPPServer(.ejabberd) { server in
            let pid = try #require(server.pid)
            #expect(server.kind == .ejabberd && server.domain == "localhost" && server.serviceDomain == "support.localhost")
            #expect(Ports.accepts(server.c2sPort) && Ports.accepts(server.componentPort))
            let listening = try Self.listeningAddresses(of: pid)
            #expect(listening.contains("127.0.0.1:\(server.c2sPort)") && listening.contains("127.0.0.1:\(server.componentPort)"))
            #expect(listening.allSatisfy { $0.hasPrefix("127.0.0.1:") }, "every listener on loopback: \(listening)")
            #expect(try Self.epmdProcesses(home: "\(server.directory)/home").isEmpty, "the node started no epmd")

            let features = try StreamProbe.exchange(port: server.c2sPort, header: Self.clientHeader, until: "</stream:features>")
            #expect(features.contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'"))
            #expect(features.contains("<mechanism>SCRAM-SHA-1</mechanism>"))
            let component = "<stream:stream xmlns='jabber:component:accept' "
                + "xmlns:stream='http://etherx.jabber.org/streams' to='\(server.serviceDomain)'>"
            #expect(try StreamProbe.exchange(port: server.componentPort, header: component, until: " id=").contains("stream:stream"))
        }
    }

    @Test func registersAccountsAgainAndKeepsThemOverARestartAndACrash() async throws {
        try await withXMPPServer(.ejabberd, .init(accounts: ["alice": "demo", "visitor1": "demo"])) { server in
            // Registering again resets the password; it is not an error.
            try await server.register(["alice": "other", "bob": "demo"])
            let first = try #require(server.pid)
            try await server.restart()
            let second = try #require(server.pid)
            #expect(first != second && !processExists(first))
            #expect(Ports.accepts(server.c2sPort) && Ports.accepts(server.componentPort))
            try await server.register(["bob": "again"])  // still there: only a password change

            await server.kill()
            #expect(server.pid == nil && !processExists(second))
            #expect(!Ports.accepts(server.c2sPort))
            try await server.restart()
            #expect(Ports.accepts(server.c2sPort))
        }
    }

    @Test func stopEndsTheNodeAndItsShell() async throws {
        let server = try await XMPPServerKind.ejabberd.start()
        let pid = try #require(server.pid)
        await server.stop()
        #expect(server.pid == nil && !processExists(pid))
        #expect(!Ports.accepts(server.c2sPort) && !Ports.accepts(server.componentPort))
        await server.stop()  // twice is fine
    }

    /// `ADDRESS:PORT` of each TCP socket `pid` listens on, from /proc (IPv4 and IPv6).
    static func listeningAddresses(of pid: Int32) throws -> [String] {
        let inodes = Set(
            try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap { fd -> String? in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                    target.hasPrefix("socket:[")
                else { return nil }
                return String(target.dropFirst(8).dropLast())
            })
        var addresses: [String] = []
        for table in ["tcp", "tcp6"] {
            // Read to its end: `String(contentsOfFile:)` takes a /proc file's first page only
            // (about 27 sockets), and in a full test run the node's listeners came later.
            let text = FileHandle(forReadingAtPath: "/proc/\(pid)/net/\(table)").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // local_address is field 1, st field 3 (0A: LISTEN), inode field 9.
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])) else { continue }
                addresses.append(Self.decode(String(fields[1])))
            }
        }
        return addresses
    }

    /// /proc/net/tcp's `0100007F:1F90` as `127.0.0.1:8080`; an IPv6 address stays in hex.
    static func decode(_ address: String) -> String {
        let parts = address.split(separator: ":")
        let port = Int(parts[1], radix: 16) ?? -1
        guard parts[0].count == 8, let raw = UInt32(parts[0], radix: 16) else { return "[\(parts[0])]:\(port)" }
        let bytes = [raw & 0xff, (raw >> 8) & 0xff, (raw >> 16) & 0xff, raw >> 24]
        return bytes.map(String.init).joined(separator: ".") + ":\(port)"
    }

    /// epmd processes started from this node's environment (its own HOME).
    static func epmdProcesses(home: String) throws -> [Int32] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap(Int32.init).filter { pid in
            guard (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("epmd") == true,
                let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
            else { return false }
            return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "HOME=\(home)" }
        }
    }
}
