-- An agent's availability changes. Going offline starts the grace period after which their
-- chats go back to the front of their queues; coming back within it cancels that.
-- KEYS[1] event stream   KEYS[2] the agent   KEYS[3] the agent's chats   KEYS[4] timers
-- ARGV[1] agent   ARGV[2] 'available' | 'away' | 'dnd' | 'xa' | 'offline'   ARGV[3] grace period in ms
-- Returns {1 if it changed else 0, the previous presence}.
--- @include "includes/clock"
--- @include "includes/emit"

local agent, presence = ARGV[1], ARGV[2]
local previous = redis.call('HGET', KEYS[2], 'presence') or 'offline'
if previous == presence then return {0, previous} end
redis.call('HSET', KEYS[2], 'presence', presence)
if presence == 'offline' then
  if redis.call('SCARD', KEYS[3]) > 0 then
    redis.call('ZADD', KEYS[4], now + tonumber(ARGV[3]), 'grace|' .. agent)
  end
else
  redis.call('ZREM', KEYS[4], 'grace|' .. agent)
  if presence == 'available' then redis.call('HSET', KEYS[2], 'missed', 0) end
end
emit('presence', '', '', agent, 'presence', presence)
return {1, previous}
