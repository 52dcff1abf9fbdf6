--- @include "keys"
--- @include "clock"
--- @include "emit"
--- @include "setTimer"

-- Gives a chat to an agent: offered (manual accept, with a timeout) or active at once. It
-- stays unannounced until the router has told the agent, so a router that dies in between
-- leaves the telling to the next one.
-- `known`: the chat, chatTimers, timers, agent and agentChats keys the caller has in KEYS.
-- `replyMs` (> 0): an active chat goes back to the queue unless the agent writes to the visitor
-- within it (`reply|ID`, the queue's `reply_timeout`).
local function give(chat, queue, agent, offerMs, known, replyMs)
  known = known or {}
  local chatKey, agentKey = known.chat or K.chat(chat), known.agent or K.agent(agent)
  redis.call('SADD', known.agentChats or K.agentChats(agent), chat)
  redis.call('HINCRBY', agentKey, 'load', 1)
  redis.call('HSET', agentKey, 'last_routed', now)
  -- A new holder is owed the whole history (`takeHistory`), not the last one's mark or claim.
  redis.call('HDEL', chatKey, 'forwarded', 'claimed', 'claim_until')
  if offerMs and offerMs > 0 then
    redis.call('HSET', chatKey, 'state', 'offered', 'agent', agent, 'offered_at', now, 'announced', 0)
    setTimer(chat, 'offer|' .. chat, now + offerMs, known)
    emit('offered', chat, queue, agent)
    return 'offered'
  end
  redis.call('HSET', chatKey, 'state', 'active', 'agent', agent, 'offered_at', now, 'accepted_at', now,
    'announced', 0)
  if replyMs and replyMs > 0 then setTimer(chat, 'reply|' .. chat, now + replyMs, known) end
  emit('assigned', chat, queue, agent)
  return 'active'
end
