--- @include "keys"
--- @include "clock"
--- @include "clearTimer"

-- Puts a chat at the front of a queue, waiting again.
-- `known`: the chat, timers and chatTimers keys if the caller has them in KEYS.
local function requeueFront(chat, queue, known)
  known = known or {}
  local first = redis.call('ZRANGE', K.waiting(queue), 0, 0, 'WITHSCORES')
  local score = now
  if first[2] then score = math.min(tonumber(first[2]) - 1, now) end
  redis.call('ZADD', K.waiting(queue), score, chat)
  redis.call('HSET', known.chat or K.chat(chat), 'state', 'queued', 'agent', '')
  clearTimer(chat, 'offer|' .. chat, known)
  clearTimer(chat, 'reply|' .. chat, known)
end
