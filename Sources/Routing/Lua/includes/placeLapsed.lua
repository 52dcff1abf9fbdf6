--- @include "keys"
--- @include "clock"
--- @include "setTimer"
--- @include "clearTimer"
--- @include "visitorOrder"

-- Places the held lines whose hold lapsed (every one, with `all`: the chat closes), each with
-- the lines of its counter held before it, oldest first, then those that follow; sets the
-- `hold|ID` timer for the earliest of the rest. Returns the last line placed (JSON), or nil.
local function placeLapsed(chat, visitor, chatQueue, agent, all, timersKey)
  local chatKey = K.chat(chat)
  local fields = redis.call('HGETALL', chatKey)
  local held, upTo, lapsed = {}, {}, 0
  for index = 1, #fields, 2 do
    if string.sub(fields[index], 1, 5) == 'held:' then
      local entry = cjson.decode(fields[index + 1])
      table.insert(held, entry)
      if all or entry.due <= now then
        if not upTo[entry.p] then lapsed = lapsed + 1 end
        upTo[entry.p] = math.max(upTo[entry.p] or entry.n, entry.n)
      end
    end
  end
  table.sort(held, function(a, b) if a.p ~= b.p then return a.p < b.p end return a.n < b.n end)
  local last
  for _, entry in ipairs(held) do
    if upTo[entry.p] and entry.n <= upTo[entry.p] and unhold(chatKey, entry.s) then
      last = placeVisitorLine(chat, visitor, entry, chatQueue, agent)
      last = placeHeldAfter(chat, visitor, entry.s, chatQueue, agent) or last
    end
  end
  local nextDue
  for _, entry in ipairs(held) do
    if redis.call('HEXISTS', chatKey, 'held:' .. entry.s) == 1 then
      nextDue = math.min(nextDue or entry.due, entry.due)
    end
  end
  if nextDue then
    setTimer(chat, 'hold|' .. chat, nextDue, {timers = timersKey})
  else
    clearTimer(chat, 'hold|' .. chat, {timers = timersKey})
    redis.call('HDEL', chatKey, 'held')
  end
  if not all and lapsed > 0 then redis.call('HINCRBY', chatKey, 'hold_lapses', lapsed) end
  return last
end
