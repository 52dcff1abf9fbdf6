extension RoutingScript {
    /// An agent accepts the chat offered to them.
    static let accept = RoutingScript(name: "accept-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] chat id   ARGV[2] agent (bare JID)
        -- Returns {1, 'active'} or {0, why}: 'not-yours' (offered to, or held by, someone else), or the
        -- chat's state when it is not offered.
        local id, agent = ARGV[1], ARGV[2]
        local chat = redis.call('HMGET', K.chat(id), 'state', 'agent', 'queue')
        if chat[1] and chat[1] ~= 'closed' and chat[2] ~= agent then return {0, 'not-yours'} end
        if chat[1] ~= 'offered' then return {0, chat[1] or 'unknown'} end
        redis.call('HSET', K.chat(id), 'state', 'active', 'accepted_at', now)
        clearTimer(id, 'offer|' .. id)
        redis.call('HSET', K.agent(agent), 'missed', 0)
        emit('accepted', id, chat[3], agent)
        return {1, 'active'}
        """#)

    /// An offer ends without acceptance: declined by the agent, or timed out. The chat goes back
    /// to the front of its queue and is not offered to that agent again.
    static let decline = RoutingScript(name: "decline-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] chat id   ARGV[2] agent   ARGV[3] 'declined' or 'timeout'
        -- ARGV[4] missed offers in a row after which the agent is set away
        -- Returns {1, 'queued' | 'away' (the agent was set away)} or {0, why}.
        local id, agent, why = ARGV[1], ARGV[2], ARGV[3]
        local chat = redis.call('HMGET', K.chat(id), 'state', 'agent', 'queue')
        if chat[1] ~= 'offered' then return {0, chat[1] or 'unknown'} end
        if chat[2] ~= agent then return {0, 'not-yours'} end
        release(id, agent)
        redis.call('SADD', K.declined(id), agent)
        requeueFront(id, chat[3])
        if why ~= 'timeout' then
          emit('declined', id, chat[3], agent)
          return {1, 'queued'}
        end
        emit('offer_timeout', id, chat[3], agent)
        local missed = redis.call('HINCRBY', K.agent(agent), 'missed', 1)
        if missed >= tonumber(ARGV[4]) then
          redis.call('HSET', K.agent(agent), 'presence', 'away', 'missed', 0)
          emit('presence', '', '', agent, 'presence', 'away', 'reason', 'missed-offers')
          return {1, 'away'}
        end
        return {1, 'queued'}
        """#)
}
