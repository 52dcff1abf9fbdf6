import SwitchboardTesting
import XMPP
import TLS

extension TestCertificate.Files {
    /// A server context presenting this certificate.
    func serverContext() throws -> TLSContext {
        try TLSContext(.server(certificateChainFile: certificateFile, privateKeyFile: keyFile))
    }

    /// A client context trusting this certificate as its CA.
    func clientContext() throws -> TLSContext {
        try TLSContext(.client(verification: .caFile(certificateFile)))
    }
}
