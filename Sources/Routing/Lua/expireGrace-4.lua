-- The grace period of an offline agent ran out: their chats wait at the front of their queues again.
-- KEYS[1] event stream   KEYS[2] the agent   KEYS[3] the agent's chats   KEYS[4] timers
-- ARGV[1] agent   ARGV[2] the grace timer when it fired (it must still be due, and is taken in this step), or empty
-- Returns the ids of the chats put back (none if the agent came back meanwhile).
--- @include "includes/keys"
--- @include "includes/emit"
--- @include "includes/release"
--- @include "includes/requeueFront"
--- @include "includes/requeueAgentChats"
--- @include "includes/timerDue"

local agent = ARGV[1]
-- A timer read before the agent came back (and maybe left again, with a new grace) does nothing.
if not timerDue(ARGV[2] or '', KEYS[4]) then return {} end
redis.call('ZREM', KEYS[4], 'grace|' .. agent)
if redis.call('HGET', KEYS[2], 'presence') ~= 'offline' then return {} end
return requeueAgentChats(agent, {agent = KEYS[2], agentChats = KEYS[3], timers = KEYS[4]}, 'agent-offline')
