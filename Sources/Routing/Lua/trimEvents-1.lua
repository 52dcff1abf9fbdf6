-- Trims the routing event stream: an entry goes once every consumer group has read and
-- acknowledged it and it is older than the time bound. A group's floor is its oldest pending
-- entry, or its last delivered one when nothing is pending. With no group at all the time bound
-- alone applies (a group made later reads what is left). Approximate (`~`): Redis drops whole
-- nodes, so a few entries below the floor may stay until the next trim.
-- KEYS[1] event stream
-- ARGV[1] the time bound in ms (0: trim all that every group has acknowledged)
-- Returns the number of entries removed.
--- @include "includes/clock"

if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return {tonumber(ms), tonumber(seq)}
end
local function below(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2]) end
local floor = {now - math.max(tonumber(ARGV[1]) or 0, 0), 0}
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local reached = parse(info['last-delivered-id'])
  if tonumber(info['pending']) > 0 then
    local pending = redis.call('XPENDING', KEYS[1], info['name'])
    reached = parse(pending[2])
  end
  if below(reached, floor) then floor = reached end
end
return redis.call('XTRIM', KEYS[1], 'MINID', '~', floor[1] .. '-' .. floor[2])
