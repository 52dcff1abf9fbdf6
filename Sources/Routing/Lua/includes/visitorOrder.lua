--- @include "keys"
--- @include "clock"
--- @include "emit"
--- @include "relayLine"
--- @include "quoteIfTold"

-- A visitor's lines in the order they wrote them. With several routers behind ejabberd (it
-- spreads stanzas per stanza) a line may reach Redis before the one written just before it.
-- Where the client numbers its message ids with a counter after a separator (`sb3x-17`, `m_18`:
-- our clients, Psi-style counters), the counter gives the order: a line whose predecessor
-- (counter - 1, plain or zero-padded) is not placed yet is held in the chat's record
-- (`held:v:ID`; seen already, so a resend is a duplicate and its receipt goes at once) until its
-- predecessor is placed, which places it right after (includes/holdLine), or for `holdMs` at
-- most (`limits.line_order_hold`, 250 ms by default: a line on another router is milliseconds
-- away); the `hold|ID` timer then places it (includes/placeLapsed): its predecessor died with a
-- router's link, or the counter skipped a number. Ids that carry no order (UUIDs, XEP-0359
-- origin-ids, digits after a letter, an id of digits only, which may be a time) are placed as
-- they arrive: arrival at the routers is the best there is. A line that comes after its hold
-- lapsed is placed where it arrives, and reaches the agent then, once: the transcript stays
-- what the agent was shown, in that order. Counters of at most 15 digits (exact in Lua).
-- A held line is kept as {s = its seen id ('v:ID'), text, detail (relay JSON), mapped (the
-- visitor's own id), p = the counter's prefix, n = its number, due (ms)}.

-- The counter a seen id ('v:ID') ends with: {p = prefix, n = number, w = digit count}, or nil.
local function visitorOrdinal(seen)
  local prefix, digits = string.match(string.sub(seen, 3), '^(.-)(%d+)$')
  if not digits or #digits > 15 then return nil end
  if prefix == '' or string.match(prefix, '%w$') then return nil end
  return {p = prefix, n = tonumber(digits), w = #digits}
end

-- The seen ids the counter `o` spells at `n`: plain and zero-padded to `o`'s width.
local function spelt(o, n)
  local plain, padded = string.format('%d', n), string.format('%0' .. o.w .. 'd', n)
  if plain == padded then return {'v:' .. o.p .. plain} end
  return {'v:' .. o.p .. plain, 'v:' .. o.p .. padded}
end

-- Puts the visitor's line at the end of the transcript: counted towards what the agent is owed
-- (`claimUnsent`), its ids linked, its event emitted. Returns the line (JSON).
local function placeVisitorLine(chat, visitor, entry, chatQueue, agent)
  local line = withDetail({t = now, kind = 'visitor', from = visitor, text = entry.text}, entry.detail)
  quoteIfTold(line, chat)
  line = cjson.encode(line)
  redis.call('RPUSH', K.transcript(chat), line)
  if entry.detail ~= '' then linkIDs(K.relayIDs(chat), 'v', entry.mapped, cjson.decode(entry.detail).id) end
  redis.call('HINCRBY', K.chat(chat), 'said', 1)
  emit('visitor_message', chat, chatQueue, agent)
  return line
end

-- Takes a held line out of the chat's record; returns it, or nil if it is not held.
local function unhold(chatKey, seen)
  local held = redis.call('HGET', chatKey, 'held:' .. seen)
  if not held then return nil end
  redis.call('HDEL', chatKey, 'held:' .. seen)
  if redis.call('HINCRBY', chatKey, 'held', -1) <= 0 then redis.call('HDEL', chatKey, 'held') end
  return cjson.decode(held)
end

-- Places the held lines that follow the line `seen` (just placed), each after the one before.
-- Returns the last line placed (JSON), or nil.
local function placeHeldAfter(chat, visitor, seen, chatQueue, agent)
  local chatKey, last = K.chat(chat), nil
  local o = visitorOrdinal(seen)
  while o do
    local entry
    for _, after in ipairs(spelt(o, o.n + 1)) do
      entry = unhold(chatKey, after)
      if entry then break end
    end
    if not entry then break end
    last = placeVisitorLine(chat, visitor, entry, chatQueue, agent)
    o = visitorOrdinal(entry.s)
  end
  return last
end
