import SwitchboardTesting
import Testing

@Suite struct RedisServerTests {
    @Test func restartSaysSoWhenAnotherProgramTookThePort() async throws {
        try await withRedisServer { server in
            await server.stop()
            // It answers on the port: only redis-server's own log tells that it could not listen.
            let holder = try PortHolder(port: server.port)
            await #expect {
                try await server.restart()
            } throws: { error in
                if case LocalServicesError.portInUse("redis-server", server.port, _) = error { true } else { false }
            }
            holder.close()
            try await server.restart()
            #expect(server.currentProcess?.isRunning == true)
        }
    }

    @Test func noPortIsHandedOutTwice() throws {
        // The kernel offers recently closed ports again within a few hundred binds (here ~30 repeats in 1000).
        let ports = try (0..<1000).map { _ in try Ports.free() }
        #expect(Set(ports).count == ports.count)
    }
}
