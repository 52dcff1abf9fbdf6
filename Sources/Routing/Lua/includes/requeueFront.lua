--- @include "keys"
--- @include "clock"
--- @include "clearTimer"

-- Puts a chat at the front of a queue, waiting again.
local function requeueFront(chat, queue)
  local first = redis.call('ZRANGE', K.waiting(queue), 0, 0, 'WITHSCORES')
  local score = now
  if first[2] then score = math.min(tonumber(first[2]) - 1, now) end
  redis.call('ZADD', K.waiting(queue), score, chat)
  redis.call('HSET', K.chat(chat), 'state', 'queued', 'agent', '')
  clearTimer(chat, 'offer|' .. chat)
end
