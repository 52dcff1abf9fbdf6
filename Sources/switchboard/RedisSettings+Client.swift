import Redis
import Workflow

extension RedisSettings {
    /// The client configuration of `url`, verifying a TLS URL's servers against `ca_file` (or the
    /// system's CAs). One place, so every subcommand connects the same way.
    func clientConfiguration() throws -> RedisConfiguration {
        try RedisConfiguration(url: RedisURL(url), caFile: caFile)
    }
}
