--- @include "keys"
--- @include "clock"
--- @include "emit"
--- @include "setTimer"

-- Gives a chat to an agent: offered (manual accept, with a timeout) or active at once. It
-- stays unannounced until the router has told the agent, so a router that dies in between
-- leaves the telling to the next one.
local function give(chat, queue, agent, offerMs)
  redis.call('SADD', K.agentChats(agent), chat)
  redis.call('HINCRBY', K.agent(agent), 'load', 1)
  redis.call('HSET', K.agent(agent), 'last_routed', now)
  if offerMs and offerMs > 0 then
    redis.call('HSET', K.chat(chat), 'state', 'offered', 'agent', agent, 'offered_at', now, 'announced', 0)
    setTimer(chat, 'offer|' .. chat, now + offerMs)
    emit('offered', chat, queue, agent)
    return 'offered'
  end
  redis.call('HSET', K.chat(chat), 'state', 'active', 'agent', agent, 'offered_at', now, 'accepted_at', now,
    'announced', 0)
  emit('assigned', chat, queue, agent)
  return 'active'
end
