-- One of an agent's resources says its availability. The agent is as available as their most
-- available resource, and offline only when the last one has gone.
-- KEYS[1] event stream   KEYS[2] the agent   KEYS[3] the agent's chats   KEYS[4] timers
-- KEYS[5] the agent's resources
-- ARGV[1] agent   ARGV[2] resource ('' for the bare JID: offline then means every resource has gone)
-- ARGV[3] 'available' | 'away' | 'dnd' | 'xa' | 'offline'   ARGV[4] grace period in ms
-- Returns {1 if the agent's presence changed else 0, the previous presence, the presence now}.
--- @include "includes/clock"
--- @include "includes/applyPresence"
--- @include "includes/audit"

local agent, resource, presence = ARGV[1], ARGV[2], ARGV[3]
if presence == 'offline' then
  if resource == '' then redis.call('DEL', KEYS[5]) else redis.call('HDEL', KEYS[5], resource) end
else
  redis.call('HSET', KEYS[5], resource, presence .. '|' .. now)
  -- The agent said something new: the missed-offers rule's away no longer holds.
  redis.call('HDEL', KEYS[2], 'heldAway')
end
local change = applyPresence(agent, tonumber(ARGV[4]),
  {agent = KEYS[2], agentChats = KEYS[3], timers = KEYS[4], resources = KEYS[5]})
-- The agent's own change; a resync settling a silent agent (settlePresence) is the router's.
if change[1] == 1 then audit(agent, 'presence', '', 'presence', change[3]) end
return change
