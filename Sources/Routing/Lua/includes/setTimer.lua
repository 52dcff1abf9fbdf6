--- @include "keys"

-- A chat's timer: kept in the due-time set and in the chat's own list, so closing clears all.
local function setTimer(chat, member, due)
  redis.call('ZADD', K.timers, due, member)
  redis.call('SADD', K.chatTimers(chat), member)
end
