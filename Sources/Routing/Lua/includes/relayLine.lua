-- A transcript line with what the router relays it with (ARGV JSON `{id, attachment, replaces,
-- markable}`: the id the other side sees, its file, the relayed id of the line it corrects,
-- whether its sender asked for read marks).
local function withDetail(line, detail)
  if detail == nil or detail == '' then return line end
  local extra = cjson.decode(detail)
  line.id, line.attachment, line.replaces, line.markable = extra.id, extra.attachment, extra.replaces, extra.markable
  return line
end

-- Keeps both directions of a relayed message's id in the chat's id map, so that a correction or
-- a read mark naming it is rewritten for the other side: `SIDE:ORIGINAL` -> relayed id, and
-- `r:RELAYED` -> `SIDE:ORIGINAL` (side 'v': the visitor's ids, 'a': the agent's). Bounded: past
-- 1000 messages a chat starts a fresh map (clients correct and mark recent lines, and a line
-- left out is only no longer corrected or marked across the relay).
local function linkIDs(mapKey, side, original, relayed)
  if original == nil or original == '' or relayed == nil then return end
  if redis.call('HLEN', mapKey) >= 3000 then redis.call('DEL', mapKey) end
  redis.call('HSET', mapKey, side .. ':' .. original, relayed, 'r:' .. relayed, side .. ':' .. original)
end
