--- @include "keys"

-- Takes a timer out of the due-time set and the chat's own list.
local function clearTimer(chat, member)
  redis.call('ZREM', K.timers, member)
  redis.call('SREM', K.chatTimers(chat), member)
end
