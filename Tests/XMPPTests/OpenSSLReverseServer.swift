import SwitchboardTesting
import TLS

/// `openssl s_server -rev` on a free loopback port: a real OpenSSL peer that sends each line back reversed.
struct OpenSSLReverseServer {
    let process: ChildProcess
    let port: Int

    /// `options` go to s_server as they are, e.g. `-tls1_2` to allow TLS 1.2 only.
    static func start(certificate: TestCertificate.Files, options: [String] = []) async throws -> OpenSSLReverseServer {
        let directory = try RunDirectory.make("openssl-s_server")
        // A free port can be taken by another program before s_server binds it: then try new ones.
        for attempt in 1...3 {
            let port = try Ports.free()
            let log = ServerLog("\(directory)/s_server.log")
            let process = try ChildProcess("/usr/bin/openssl", [
                "s_server", "-accept", "127.0.0.1:\(port)", "-rev",
                "-cert", certificate.certificateFile, "-key", certificate.keyFile,
            ] + options, logFile: log.path, runDirectory: .tests)
            do {
                // "ACCEPT" in its own log, not an answer on the port, which could be another program's.
                try await log.waitUntilReady(process) { text in
                    // s_server exits with status 0 when it cannot bind.
                    if text.contains("Address already in use") {
                        throw LocalServicesError.portInUse(process.name, port: port, log: log.path)
                    }
                    return text.contains("ACCEPT")
                }
                return OpenSSLReverseServer(process: process, port: port)
            } catch LocalServicesError.portInUse where attempt < 3 {
                await process.stop()
                continue
            } catch {
                await process.stop()
                throw error
            }
        }
        preconditionFailure("the third attempt returns or throws")
    }

    func stop() async {
        await process.stop()
    }
}
