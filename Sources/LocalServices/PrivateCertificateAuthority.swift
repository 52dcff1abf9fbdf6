import Foundation

/// A private CA of its own, made with openssl in a new folder of a run directory, and the
/// certificate it signs for a server on loopback (`localhost` and `127.0.0.1`): what a deployment
/// does for Redis or an XMPP server on other machines, shrunk to one host for tests.
///
/// Every `make` is a new CA, so a second one is the "wrong CA" a client must refuse.
public struct PrivateCertificateAuthority: Sendable {
    /// The CA's certificate (PEM): what clients trust.
    public let caFile: String
    /// The server's certificate (PEM), signed by the CA, for `localhost` and `127.0.0.1`.
    public let certificateFile: String
    /// The server's unencrypted private key (PEM).
    public let keyFile: String

    /// Makes a CA and a server certificate it signs (P-256 keys: about 50 ms of openssl).
    public static func make(in runDirectory: RunDirectory, name: String = "ca") async throws -> PrivateCertificateAuthority {
        let folder = try runDirectory.newFolder(name)
        let authority = PrivateCertificateAuthority(
            caFile: "\(folder)/ca.crt", certificateFile: "\(folder)/server.crt", keyFile: "\(folder)/server.key")
        let (caKey, request, extensions) = ("\(folder)/ca.key", "\(folder)/server.csr", "\(folder)/server.ext")
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
            .write(toFile: extensions, atomically: true, encoding: .utf8)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let steps: [[String]] = [
            ["req", "-x509"] + key + ["-days", "3650", "-subj", "/CN=Switchboard test CA \(name)", "-keyout", caKey, "-out", authority.caFile],
            ["req"] + key + ["-subj", "/CN=localhost", "-keyout", authority.keyFile, "-out", request],
            [
                "x509", "-req", "-in", request, "-CA", authority.caFile, "-CAkey", caKey, "-CAcreateserial", "-days", "3650",
                "-extfile", extensions, "-out", authority.certificateFile,
            ],
        ]
        for arguments in steps {
            let log = "\(folder)/openssl.log"
            let openssl = try ChildProcess(try ChildProcess.executable("openssl"), arguments, logFile: log, runDirectory: runDirectory)
            let status = await openssl.waitForExit()
            guard status == 0 else {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw LocalServicesError.missing("openssl \(arguments[0]) failed making a private CA (status \(status)): \(output)")
            }
        }
        return authority
    }
}
