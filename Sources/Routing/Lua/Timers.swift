extension RoutingScript {
    /// The timers due now, by Redis's clock, and when the next one is due.
    static let dueTimers = RoutingScript(name: "dueTimers-1", body: #"""
        -- KEYS[1] event stream
        -- ARGV[1] the most timers to return
        -- Returns {milliseconds until the next timer not yet due (-1 if none), due timer members...}
        local due = redis.call('ZRANGEBYSCORE', K.timers, '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        local later = redis.call('ZRANGEBYSCORE', K.timers, '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
        local wait = -1
        if later[2] then wait = tonumber(later[2]) - now end
        table.insert(due, 1, wait)
        return due
        """#)
}
