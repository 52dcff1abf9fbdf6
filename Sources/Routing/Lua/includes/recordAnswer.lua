--- @include "keys"
--- @include "clock"

-- An agent took a chat: kept, with who and after how long, among the queue's recent answers, from
-- which the router estimates waits (`WaitEstimate`): 30 minutes of them, at most 1000. Taking the
-- chat also ends its `max_wait`: a chat that waits again later (its agent went offline) was answered.
-- `known`: the timers and chatTimers keys if the caller has them in KEYS.
local function recordAnswer(chat, queue, agent, known)
  local key = K.answers(queue)
  local queued = tonumber(redis.call('HGET', known.chat or K.chat(chat), 'queued_at') or now) or now
  redis.call('ZADD', key, now, chat .. '|' .. agent .. '|' .. math.max(0, now - queued))
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 1800000)
  redis.call('ZREMRANGEBYRANK', key, 0, -1001)
  redis.call('PEXPIRE', key, 1800000)
  redis.call('ZREM', known.timers or K.timers, 'maxwait|' .. chat)
  redis.call('SREM', known.chatTimers or K.chatTimers(chat), 'maxwait|' .. chat)
end
