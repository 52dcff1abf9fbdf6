--- @include "keys"
--- @include "emit"
--- @include "release"
--- @include "requeueFront"

-- Takes every chat, offered or active, from `agent` and puts it at the front of its queue again,
-- oldest first, with a `requeued` event giving `reason`. `known`: the agent, agentChats and
-- timers keys, which every caller has in KEYS. Returns the chats' ids.
local function requeueAgentChats(agent, known, reason)
  local chats = redis.call('SMEMBERS', known.agentChats)
  table.sort(chats, function(a, b) return tonumber(a) > tonumber(b) end)  -- oldest ends up first
  for _, id in ipairs(chats) do
    local queue = redis.call('HGET', K.chat(id), 'queue')
    release(id, agent, {agent = known.agent, agentChats = known.agentChats})
    requeueFront(id, queue, {timers = known.timers})
    emit('requeued', id, queue, agent, 'reason', reason)
  end
  return chats
end
