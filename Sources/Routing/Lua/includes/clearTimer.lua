--- @include "keys"

-- Takes a timer out of the due-time set and the chat's own list.
-- `known`: the timers and chatTimers keys if the caller has them in KEYS.
local function clearTimer(chat, member, known)
  known = known or {}
  redis.call('ZREM', known.timers or K.timers, member)
  redis.call('SREM', known.chatTimers or K.chatTimers(chat), member)
end
