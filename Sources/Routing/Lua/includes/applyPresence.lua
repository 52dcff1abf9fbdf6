--- @include "emit"

-- An agent's presence is that of their most available resource (chat/none > away > xa > dnd),
-- offline once none is left. Resources are kept as `resource -> presence|ms last heard`.
local presenceRank = {available = 4, away = 3, xa = 2, dnd = 1}

local function resourcesPresence(resources)
  local best, rank = 'offline', 0
  local fields = redis.call('HGETALL', resources)
  for i = 2, #fields, 2 do
    local presence = string.match(fields[i], '^(%a+)|')
    if presenceRank[presence] and presenceRank[presence] > rank then best, rank = presence, presenceRank[presence] end
  end
  return best
end

-- Sets the agent's presence from their resources. Going offline starts the grace period after
-- which their chats go back to the front of their queues; coming back within it cancels that.
-- An agent the missed-offers rule set away (`heldAway`) stays away until a client of theirs
-- says something new. `known`: agent, agentChats, timers, resources keys (all in KEYS).
-- Returns {1 if it changed else 0, the previous presence, the presence now}.
local function applyPresence(agent, grace, known)
  local presence = resourcesPresence(known.resources)
  if presence == 'available' and redis.call('HGET', known.agent, 'heldAway') == '1' then presence = 'away' end
  local previous = redis.call('HGET', known.agent, 'presence') or 'offline'
  if previous == presence then return {0, previous, presence} end
  redis.call('HSET', known.agent, 'presence', presence)
  if presence == 'offline' then
    if redis.call('SCARD', known.agentChats) > 0 then
      redis.call('ZADD', known.timers, now + grace, 'grace|' .. agent)
    end
  else
    redis.call('ZREM', known.timers, 'grace|' .. agent)
    if presence == 'available' then redis.call('HSET', known.agent, 'missed', 0) end
  end
  emit('presence', '', '', agent, 'presence', presence)
  return {1, previous, presence}
end
