extension RoutingScript {
    /// Sets or clears a chat's timer, e.g. the close after a visitor's client said `gone`.
    static let setTimer = RoutingScript(name: "setTimer-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] chat id   ARGV[2] timer kind ('gone')   ARGV[3] delay in ms, or -1 to clear
        -- Returns 1 if set or cleared, 0 if the chat is closed or unknown.
        local id = ARGV[1]
        local state = redis.call('HGET', K.chat(id), 'state')
        if not state or state == 'closed' then return 0 end
        local member = ARGV[2] .. '|' .. id
        if tonumber(ARGV[3]) < 0 then clearTimer(id, member) else setTimer(id, member, now + tonumber(ARGV[3])) end
        return 1
        """#)
}
