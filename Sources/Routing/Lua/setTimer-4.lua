-- Sets or clears a chat's timer, e.g. the close after a visitor's client said `gone`.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] timers   KEYS[4] the chat's timers
-- ARGV[1] chat id   ARGV[2] timer kind ('gone')   ARGV[3] delay in ms, or -1 to clear
-- Returns 1 if set or cleared, 0 if the chat is closed or unknown.
--- @include "includes/clock"
--- @include "includes/setTimer"
--- @include "includes/clearTimer"

local id = ARGV[1]
local state = redis.call('HGET', KEYS[2], 'state')
if not state or state == 'closed' then return 0 end
local member = ARGV[2] .. '|' .. id
local known = {timers = KEYS[3], chatTimers = KEYS[4]}
if tonumber(ARGV[3]) < 0 then
  clearTimer(id, member, known)
else
  setTimer(id, member, now + tonumber(ARGV[3]), known)
end
return 1
