extension RoutingScript {
    /// An agent's availability changes. Going offline starts the grace period after which their
    /// chats go back to the front of their queues; coming back within it cancels that.
    static let presence = RoutingScript(name: "presence-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] agent   ARGV[2] 'available' | 'away' | 'dnd' | 'xa' | 'offline'   ARGV[3] grace period in ms
        -- Returns {1 if it changed else 0, the previous presence}.
        local agent, presence = ARGV[1], ARGV[2]
        local previous = redis.call('HGET', K.agent(agent), 'presence') or 'offline'
        if previous == presence then return {0, previous} end
        redis.call('HSET', K.agent(agent), 'presence', presence)
        if presence == 'offline' then
          if redis.call('SCARD', K.agentChats(agent)) > 0 then
            redis.call('ZADD', K.timers, now + tonumber(ARGV[3]), 'grace|' .. agent)
          end
        else
          redis.call('ZREM', K.timers, 'grace|' .. agent)
          if presence == 'available' then redis.call('HSET', K.agent(agent), 'missed', 0) end
        end
        emit('presence', '', '', agent, 'presence', presence)
        return {1, previous}
        """#)

    /// The grace period of an offline agent ran out: their chats wait at the front of their queues again.
    static let expireGrace = RoutingScript(name: "expireGrace-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] agent
        -- Returns the ids of the chats put back (none if the agent came back meanwhile).
        local agent = ARGV[1]
        redis.call('ZREM', K.timers, 'grace|' .. agent)
        if redis.call('HGET', K.agent(agent), 'presence') ~= 'offline' then return {} end
        local chats = redis.call('SMEMBERS', K.agentChats(agent))
        table.sort(chats, function(a, b) return tonumber(a) > tonumber(b) end)  -- oldest ends up first
        for _, id in ipairs(chats) do
          local queue = redis.call('HGET', K.chat(id), 'queue')
          release(id, agent)
          requeueFront(id, queue)
          emit('requeued', id, queue, agent, 'reason', 'agent-offline')
        end
        return chats
        """#)
}
