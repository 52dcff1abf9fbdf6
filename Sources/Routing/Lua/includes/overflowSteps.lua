--- @include "keys"
--- @include "clock"
--- @include "setTimer"
--- @include "clearTimer"

-- A waiting chat's overflow steps are those of the queue it waits in, counted from when it came
-- there: moved to another queue, the steps left of the old one give way to the new queue's.
-- `delays`: the new queue's step delays in ms, comma-separated (may be empty).
-- `known`: the timers and chatTimers keys if the caller has them in KEYS.
local function replaceOverflowSteps(chat, delays, known)
  known = known or {}
  for _, member in ipairs(redis.call('SMEMBERS', known.chatTimers or K.chatTimers(chat))) do
    if string.sub(member, 1, 9) == 'overflow|' then clearTimer(chat, member, known) end
  end
  local step = 0
  for delay in string.gmatch(delays, '%d+') do
    step = step + 1
    setTimer(chat, 'overflow|' .. chat .. '|' .. step, now + tonumber(delay), known)
  end
end
