extension RoutingScript {
    /// Opens a chat for a visitor in a queue, unless the visitor has one open there.
    static let enqueue = RoutingScript(name: "enqueue-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] queue   ARGV[2] visitor (bare JID, or web:TOKEN)   ARGV[3] visitor's display name
        -- ARGV[4] channel (xmpp | web)   ARGV[5] overflow step delays in ms, comma-separated (may be empty)
        -- Returns {chat id, 1 if created now or 0 if already open, position in the queue (0 if not waiting), state}
        local queue, visitor = ARGV[1], ARGV[2]
        local open = redis.call('GET', K.visitor(queue, visitor))
        if open then
          local state = redis.call('HGET', K.chat(open), 'state')
          local rank = redis.call('ZRANK', K.waiting(queue), open)
          return {open, 0, rank and rank + 1 or 0, state}
        end
        local id = tostring(redis.call('INCR', K.seq))
        redis.call('HSET', K.chat(id), 'id', id, 'queue', queue, 'visitor', visitor, 'name', ARGV[3],
          'channel', ARGV[4], 'state', 'queued', 'agent', '', 'created', now, 'queued_at', now, 'dropped', 0)
        redis.call('SET', K.visitor(queue, visitor), id)
        redis.call('SADD', K.open, id)
        redis.call('ZADD', K.waiting(queue), now, id)
        local step = 0
        for delay in string.gmatch(ARGV[5], '%d+') do
          step = step + 1
          setTimer(id, 'overflow|' .. id .. '|' .. step, now + tonumber(delay))
        end
        emit('queued', id, queue, '', 'visitor', visitor, 'channel', ARGV[4])
        return {id, 1, redis.call('ZRANK', K.waiting(queue), id) + 1, 'queued'}
        """#)
}
