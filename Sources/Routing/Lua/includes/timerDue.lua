--- @include "keys"
--- @include "clock"

-- Timers are claimed by the script that acts on them: the router that read a timer as due names
-- it (`member`), and the action runs only if the timer is still in the set and due by Redis's
-- clock. A timer cleared since (an offer accepted, a visitor back, an agent back) or set again for
-- later (a new offer, a new grace) is not due, so a late reader does nothing; the acting script
-- takes the timer out in the same step, so of several routers that read it only one acts.
-- An empty `member` is a direct call, not a timer's: always due.
local function timerDue(member, timers)
  if member == '' then return true end
  local due = redis.call('ZSCORE', timers or K.timers, member)
  return due ~= false and due ~= nil and tonumber(due) <= now
end
