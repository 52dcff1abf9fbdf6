--- @include "keys"

-- Takes a chat off its agent, freeing one unit of capacity.
local function release(chat, agent)
  if agent and agent ~= '' and redis.call('SREM', K.agentChats(agent), chat) == 1 then
    redis.call('HINCRBY', K.agent(agent), 'load', -1)
  end
end
