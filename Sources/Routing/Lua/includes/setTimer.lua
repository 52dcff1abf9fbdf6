--- @include "keys"

-- A chat's timer: kept in the due-time set and in the chat's own list, so closing clears all.
-- `known`: the timers and chatTimers keys if the caller has them in KEYS.
local function setTimer(chat, member, due, known)
  known = known or {}
  redis.call('ZADD', known.timers or K.timers, due, member)
  redis.call('SADD', known.chatTimers or K.chatTimers(chat), member)
end
