-- The timers due now, by Redis's clock, and when the next one is due.
-- KEYS[1] timers
-- ARGV[1] the most timers to return
-- Returns {milliseconds until the next timer not yet due (-1 if none), due timer members...}
--- @include "includes/clock"

local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local later = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
local wait = -1
if later[2] then wait = tonumber(later[2]) - now end
table.insert(due, 1, wait)
return due
