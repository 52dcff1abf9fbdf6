-- The end of a resync: the router joined the XMPP server at ARGV[2] and probed every agent;
-- resources not heard from since are taken as gone (their unavailable was sent while no router
-- listened). An agent left with none is offline, and their chats enter the grace period.
-- KEYS[1] event stream   KEYS[2] the agent   KEYS[3] the agent's chats   KEYS[4] timers
-- KEYS[5] the agent's resources
-- ARGV[1] agent   ARGV[2] the join, in ms by Redis's clock   ARGV[3] grace period in ms
-- Returns {1 if the agent's presence changed else 0, the previous presence, the presence now}.
--- @include "includes/clock"
--- @include "includes/applyPresence"

local agent, since = ARGV[1], tonumber(ARGV[2])
local fields = redis.call('HGETALL', KEYS[5])
for i = 1, #fields, 2 do
  local heard = tonumber(string.match(fields[i + 1], '|(%d+)$') or '0')
  if heard < since then redis.call('HDEL', KEYS[5], fields[i]) end
end
return applyPresence(agent, tonumber(ARGV[3]),
  {agent = KEYS[2], agentChats = KEYS[3], timers = KEYS[4], resources = KEYS[5]})
