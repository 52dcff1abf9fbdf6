--- @include "keys"
--- @include "clock"
--- @include "setTimer"
--- @include "visitorOrder"

-- Holding a visitor's line that came before the one its client numbered before it (see
-- includes/visitorOrder). Bounds: at most `MAX_HELD` lines held per chat (past that a line is
-- placed at once); after `MAX_LAPSES` lapsed holds in a chat its client's counter is taken to
-- skip numbers (one counter for all its stanzas) and no line of the chat is held again.
local MAX_HELD, MAX_LAPSES = 32, 3

-- Holds `entry` (a line just seen) if its id carries a counter whose predecessor is not placed
-- yet, for `holdMs` at most; returns whether it did. `timersKey`: the timers key if the caller
-- has it in KEYS.
local function holdIfEarly(chat, entry, holdMs, timersKey)
  local o = visitorOrdinal(entry.s)
  if holdMs <= 0 or not o or o.n < 2 then return false end
  local chatKey = K.chat(chat)
  local counts = redis.call('HMGET', chatKey, 'held', 'hold_lapses')
  if (tonumber(counts[1]) or 0) >= MAX_HELD or (tonumber(counts[2]) or 0) >= MAX_LAPSES then return false end
  for _, before in ipairs(spelt(o, o.n - 1)) do
    local placed = redis.call('HEXISTS', chatKey, 'held:' .. before) == 0
    if placed and redis.call('SISMEMBER', K.seen(chat), before) == 1 then
      return false
    end
  end
  entry.p, entry.n, entry.due = o.p, o.n, now + holdMs
  redis.call('HSET', chatKey, 'held:' .. entry.s, cjson.encode(entry))
  redis.call('HINCRBY', chatKey, 'held', 1)
  local member = 'hold|' .. chat
  local due = redis.call('ZSCORE', timersKey or K.timers, member)
  if not due or tonumber(due) > entry.due then setTimer(chat, member, entry.due, {timers = timersKey}) end
  return true
end
