import Foundation
import Synchronization

/// A self-signed certificate for `localhost`, made once per run directory and kept in its `certs`.
///
/// It is its own CA: a TLS client that trusts `certificateFile` verifies a
/// server using it for the name `localhost`.
public enum SelfSignedCertificate {
    /// Paths of the PEM certificate and its unencrypted private key.
    public struct Files: Sendable {
        public let certificateFile: String
        public let keyFile: String
    }

    /// The certificate of `runDirectory`, made with openssl on first use (about 0.1 s).
    public static func localhost(in runDirectory: RunDirectory) async throws -> Files {
        let task = pending.withLock { pending in
            if let task = pending[runDirectory] { return task }
            let task = Task { try await makeOrReuse(in: runDirectory) }
            pending[runDirectory] = task
            return task
        }
        return try await task.value
    }

    /// Copies the certificate of `runDirectory` and its key into `folder` as `localhost.crt` and `localhost.key`.
    @discardableResult
    public static func install(into folder: String, from runDirectory: RunDirectory) async throws -> Files {
        let cached = try await localhost(in: runDirectory)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let copy = Files(certificateFile: "\(folder)/localhost.crt", keyFile: "\(folder)/localhost.key")
        for (from, to) in [(cached.certificateFile, copy.certificateFile), (cached.keyFile, copy.keyFile)] {
            try? FileManager.default.removeItem(atPath: to)
            try FileManager.default.copyItem(atPath: from, toPath: to)
        }
        return copy
    }

    // Servers in one process share one openssl run; other processes are handled by the rename below.
    private static let pending = Mutex<[RunDirectory: Task<Files, any Error>]>([:])

    private static func makeOrReuse(in runDirectory: RunDirectory) async throws -> Files {
        let folder = "\(runDirectory.path)/certs"
        let files = Files(certificateFile: "\(folder)/localhost.crt", keyFile: "\(folder)/localhost.key")
        if FileManager.default.fileExists(atPath: files.keyFile) { return files }

        // Made in a folder of its own, then renamed into place in one step: a
        // process running at the same time sees both files or neither.
        let scratch = try runDirectory.newFolder("certs-new")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let log = "\(scratch)/openssl.log"
        let openssl = try ChildProcess(
            try ChildProcess.executable("openssl"),
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                "-keyout", "\(scratch)/localhost.key", "-out", "\(scratch)/localhost.crt",
            ],
            logFile: log, runDirectory: runDirectory
        )
        let status = await openssl.waitForExit()
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw LocalServicesError.missing("openssl could not make a certificate for localhost (status \(status)): \(output)")
        }
        try? FileManager.default.removeItem(atPath: log)
        if rename(scratch, folder) != 0, !FileManager.default.fileExists(atPath: files.keyFile) {
            throw LocalServicesError.system("rename \(scratch) to \(folder)", errno)
        }
        return files
    }
}
