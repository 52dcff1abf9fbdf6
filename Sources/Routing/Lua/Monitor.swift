extension RoutingScript {
    /// A supervisor starts watching an open chat: copies of its messages go to them until it closes.
    static let monitor = RoutingScript(name: "monitor-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] chat id   ARGV[2] supervisor (bare JID)
        -- Returns {1, agent holding the chat} or {0, state ('closed' or 'unknown')}.
        local chat = redis.call('HMGET', K.chat(ARGV[1]), 'state', 'agent')
        if not chat[1] or chat[1] == 'closed' then return {0, chat[1] or 'unknown'} end
        redis.call('SADD', K.monitors(ARGV[1]), ARGV[2])
        emit('monitored', ARGV[1], '', chat[2], 'supervisor', ARGV[2])
        return {1, chat[2]}
        """#)
}
