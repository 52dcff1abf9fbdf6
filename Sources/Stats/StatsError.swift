/// What can go wrong in the stats service, with a message for people.
public enum StatsError: Error, CustomStringConvertible, Sendable {
    case unexpectedReply(String)
    case badWindow(String)
    case badListenAddress(String)
    case missingToken

    public var description: String {
        switch self {
        case .unexpectedReply(let what): "unexpected reply from Redis: \(what)"
        case .badWindow(let why): "bad time window: \(why)"
        case .badListenAddress(let text): "'\(text)' is not an address to listen on: write it like 127.0.0.1:8081 or [::1]:8081"
        case .missingToken:
            "the stats API needs a bearer token: set SB_STATS_TOKEN (or pass --token-env NAME), or the workflow's stats.token, to a long random string"
        }
    }
}
