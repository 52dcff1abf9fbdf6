import Foundation

/// The files of a private ejabberd node: `ejabberd.yml` beside this file (embedded in the program
/// when it is built, its `@SB_NAME@` placeholders filled in), the node's own `ejabberdctl.cfg`,
/// and the `inetrc` that resolves `localhost` without DNS. `Scripts/services --xmpp ejabberd`
/// fills the same `ejabberd.yml` from the source tree.
struct EjabberdConfiguration {
    /// The values of the placeholders, by name without the `@` marks (`SB_C2S_PORT`).
    var values: [String: String]
    /// The Erlang node's name (`NAME@localhost`): the Mnesia spool belongs to it, so a restart keeps it.
    var node: String
    /// The node's distribution port: a fixed port on 127.0.0.1 instead of epmd, so no epmd starts
    /// (a system epmd would listen on 0.0.0.0:4369 and outlive the test).
    var distributionPort: Int

    /// The template's text, as the build embedded it.
    static var template: String { String(decoding: PackageResources.ejabberd_yml, as: UTF8.self) }

    static func file(in folder: String) -> String { "\(folder)/ejabberd.yml" }
    static func controlFile(in folder: String) -> String { "\(folder)/ejabberdctl.cfg" }
    static func pidFile(in folder: String) -> String { "\(folder)/ejabberd.pid" }

    /// `ejabberd.yml` with every placeholder replaced; throws if the template names one not given.
    func rendered() throws -> String {
        var text = Self.template
        for (name, value) in values {
            text = text.replacingOccurrences(of: "@\(name)@", with: value)
        }
        // Only the lines that configure: the header's comments name the placeholders too.
        let left = text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("@SB_") }
        guard left.isEmpty else {
            throw LocalServicesError.missing("ejabberd.yml has placeholders with no value: \(left.joined(separator: "; "))")
        }
        return text
    }

    /// Writes `ejabberd.yml`, `ejabberdctl.cfg` and `inetrc` into `folder` (once per server: restarts reuse them).
    func write(into folder: String) throws {
        // home: the node's cookie ($HOME/.erlang.cookie), which Erlang makes but not its folder.
        for name in ["home", "logs", "spool"] {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(name)", withIntermediateDirectories: true)
        }
        try rendered().write(toFile: Self.file(in: folder), atomically: true, encoding: .utf8)
        // Sourced by ejabberdctl after its own defaults: as root it would otherwise switch to the
        // ejabberd user, read /etc/ejabberd and use the system spool. The distribution's interface
        // goes in ERL_OPTIONS: ejabberdctl's INET_DIST_INTERFACE starts a VM just to parse it (~3 s).
        let control = """
            # Written by Switchboard's LocalServices: a private ejabberd node on loopback.
            EXEC_CMD=as_current_user
            ERLANG_NODE=\(node)
            ERL_DIST_PORT=\(distributionPort)
            EJABBERD_PID_PATH=\(Self.pidFile(in: folder))
            ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 -kernel inet_dist_use_interface {127,0,0,1}"

            """
        try control.write(toFile: Self.controlFile(in: folder), atomically: true, encoding: .utf8)
        let inetrc = """
            {lookup,["file","native"]}.
            {host,{127,0,0,1}, ["localhost"]}.

            """
        try inetrc.write(toFile: "\(folder)/inetrc", atomically: true, encoding: .utf8)
    }
}
