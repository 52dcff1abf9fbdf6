import Foundation
import Synchronization
import SwitchboardTesting
import Testing

/// The test kit's Prosody: it starts on free ports, registers accounts, restarts and stops.
@Suite struct ProsodyServerTests {
    static let clientHeader = "<stream:stream to='localhost' xmlns='jabber:client' "
        + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

    static func componentHeader(_ server: ProsodyServer) -> String {
        "<stream:stream xmlns='jabber:component:accept' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='\(server.serviceDomain)'>"
    }

    @Test func startsOnTwoFreePortsAndListens() async throws {
        try await withProsodyServer { server in
            #expect(server.c2sPort != server.componentPort)
            #expect(Ports.accepts(server.c2sPort))
            #expect(Ports.accepts(server.componentPort))
            #expect(server.domain == "localhost")
            #expect(server.serviceDomain == "support.localhost")
            #expect(!server.componentSecret.isEmpty)
            #expect(FileManager.default.fileExists(atPath: server.certificateFile))
        }
    }

    @Test func offersStartTLSAndSCRAMWithoutRequiringTLS() async throws {
        try await withProsodyServer { server in
            let features = try StreamProbe.exchange(port: server.c2sPort, header: Self.clientHeader, until: "</stream:features>")
            #expect(features.contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"))
            #expect(!features.contains("<required"))
            #expect(features.contains("<mechanism>SCRAM-SHA-1</mechanism>"))
            #expect(features.contains("<mechanism>PLAIN</mechanism>"))
        }
    }

    @Test func acceptsAComponentStreamForTheServiceDomain() async throws {
        try await withProsodyServer { server in
            let reply = try StreamProbe.exchange(port: server.componentPort, header: Self.componentHeader(server), until: " id=")
            #expect(reply.contains("from='\(server.serviceDomain)'"))
        }
    }

    @Test func registersAccountsBeforeAndAfterStart() async throws {
        let options = ProsodyServer.Options(accounts: ["alice": "demo", "visitor1": "demo"])
        try await withProsodyServer(options) { server in
            #expect(server.hasAccount("alice"))
            #expect(server.hasAccount("visitor1"))
            #expect(!server.hasAccount("bob"))

            try await server.register(user: "bob", password: "demo")
            #expect(server.hasAccount("bob"))
            // Registering again resets the password; it is not an error.
            try await server.register(user: "bob", password: "other")
        }
    }

    @Test func registersThirtyAccounts() async throws {
        try await withProsodyServer { server in
            let users = (1...30).map { "load\($0)" }
            let clock = ContinuousClock()
            let took = try await clock.measure {
                try await server.register(Dictionary(uniqueKeysWithValues: users.map { ($0, "demo") }))
            }
            #expect(users.allSatisfy(server.hasAccount))
            print("ProsodyServer: 30 accounts registered in \(took)")
        }
    }

    @Test func restartKeepsPortsAndAccounts() async throws {
        try await withProsodyServer(.init(accounts: ["carol": "demo"])) { server in
            let firstPID = try #require(server.pid)
            // As the router's link would be: a stream open while Prosody stops
            // (Prosody closes first, so its side of the port waits in TIME_WAIT).
            let open = try StreamProbe(port: server.componentPort)
            try open.send(Self.componentHeader(server))
            _ = try open.read(until: " id=")
            try await server.restart()
            _ = consume open
            let secondPID = try #require(server.pid)
            #expect(secondPID != firstPID)
            #expect(Ports.accepts(server.c2sPort))
            #expect(Ports.accepts(server.componentPort))
            #expect(server.hasAccount("carol"))
        }
    }

    @Test func restartsAfterACrash() async throws {
        try await withProsodyServer { server in
            let crashed = try #require(server.pid)
            await server.kill()
            #expect(server.pid == nil)
            #expect(!processExists(crashed))
            #expect(!Ports.accepts(server.c2sPort))

            try await server.restart()
            #expect(Ports.accepts(server.c2sPort))
            #expect(Ports.accepts(server.componentPort))
        }
    }

    @Test func stopEndsTheProcess() async throws {
        let server = try await ProsodyServer.start()
        let pid = try #require(server.pid)
        await server.stop()
        #expect(server.pid == nil)
        #expect(!processExists(pid))
        // Not "its ports no longer accept": tests running alongside take freed ports at once (a full
        // run here saw another test's server on this component port within milliseconds).
        await server.stop()  // twice is fine
    }

    @Test func withProsodyServerStopsItWhenTheBodyThrows() async throws {
        struct Planned: Error {}
        let pid = Mutex<Int32?>(nil)
        await #expect(throws: Planned.self) {
            try await withProsodyServer { server in
                pid.withLock { $0 = server.pid }
                throw Planned()
            }
        }
        let stopped = try #require(pid.withLock { $0 })
        #expect(!processExists(stopped))
    }

    @Test func limitsOptionStillStarts() async throws {
        try await withProsodyServer(.init(limits: true)) { server in
            #expect(Ports.accepts(server.c2sPort))
        }
    }
}

/// Whether a process with this ID exists (ChildProcess reaps its children, so no zombies linger); the ejabberd tests use it too.
func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}
