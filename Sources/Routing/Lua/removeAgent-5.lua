-- An agent is no longer in the workflow (a reload left them out): they are offline at once and
-- their chats, offered or active, wait at the front of their queues again, with no grace period.
-- KEYS[1] event stream   KEYS[2] the agent   KEYS[3] the agent's chats   KEYS[4] timers
-- KEYS[5] the agent's resources
-- ARGV[1] agent
-- Returns the ids of the chats put back.
--- @include "includes/keys"
--- @include "includes/emit"
--- @include "includes/release"
--- @include "includes/requeueFront"
--- @include "includes/requeueAgentChats"

local agent = ARGV[1]
redis.call('DEL', KEYS[5])
redis.call('ZREM', KEYS[4], 'grace|' .. agent)
local previous = redis.call('HGET', KEYS[2], 'presence') or 'offline'
redis.call('HSET', KEYS[2], 'presence', 'offline')
redis.call('HDEL', KEYS[2], 'heldAway')
if previous ~= 'offline' then emit('presence', '', '', agent, 'presence', 'offline', 'reason', 'removed') end
return requeueAgentChats(agent, {agent = KEYS[2], agentChats = KEYS[3], timers = KEYS[4]}, 'agent-removed')
