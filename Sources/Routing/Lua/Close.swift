extension RoutingScript {
    /// Closes a chat. Closed before an agent accepted it, it counts as abandoned.
    static let close = RoutingScript(name: "close-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] chat id   ARGV[2] who closes: 'visitor' | 'agent' | 'timeout' | 'system'
        -- ARGV[3] the agent closing it (must hold the chat), or empty
        -- Returns {1, state before} or {0, why}.
        local id, by = ARGV[1], ARGV[2]
        local chat = redis.call('HMGET', K.chat(id), 'state', 'agent', 'queue', 'visitor')
        if not chat[1] or chat[1] == 'closed' then return {0, chat[1] or 'unknown'} end
        if by == 'agent' and (chat[1] ~= 'active' or chat[2] ~= ARGV[3]) then return {0, 'not-yours'} end
        local abandoned = (chat[1] == 'queued' or chat[1] == 'offered') and 1 or 0
        redis.call('ZREM', K.waiting(chat[3]), id)
        release(id, chat[2])
        for _, member in ipairs(redis.call('SMEMBERS', K.chatTimers(id))) do redis.call('ZREM', K.timers, member) end
        redis.call('DEL', K.chatTimers(id), K.declined(id), K.seen(id), K.monitors(id))
        if redis.call('GET', K.visitor(chat[3], chat[4])) == id then redis.call('DEL', K.visitor(chat[3], chat[4])) end
        redis.call('SREM', K.open, id)
        redis.call('HSET', K.chat(id), 'state', 'closed', 'closed_at', now, 'closed_by', by, 'abandoned', abandoned)
        emit('closed', id, chat[3], chat[2], 'by', by, 'abandoned', abandoned)
        return {1, chat[1]}
        """#)
}
