--- @include "keys"

-- Takes a chat off its agent, freeing one unit of capacity.
-- `known`: the agent and agentChats keys if the caller has them in KEYS.
local function release(chat, agent, known)
  known = known or {}
  if agent and agent ~= '' and redis.call('SREM', known.agentChats or K.agentChats(agent), chat) == 1 then
    redis.call('HINCRBY', known.agent or K.agent(agent), 'load', -1)
  end
end
