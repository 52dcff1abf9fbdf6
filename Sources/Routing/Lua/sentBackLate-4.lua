-- An offer or a visitor's line the XMPP server sent back after the router counted it as taken
-- (with several routers on ejabberd the error can reach another router's link, and be handed
-- over after the answer to the ping behind it was read; `LateBounces`).
-- An offer (`history` and when the chat was given, as its id says) is marked untold, for a
-- sweep to tell again. For a line, the agent's mark moves back to before it, so the line and
-- those after it are owed again and passed on (a client that keeps ids shows those it had
-- once); see includes/claimUnsent.lua for the marks.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its transcript   KEYS[4] its right to announce
-- ARGV[1] chat id   ARGV[2] the agent it went to   ARGV[3] 'history' or 'line'
-- ARGV[4] the history's `given` (the chat's offered_at then), or the line's relayed id
-- The bounce can come before its sender has marked the offer told or confirmed the line: while
-- a router holds the right to announce the chat, or a live claim holds the line, this returns 2,
-- for the caller to try again shortly.
-- Returns 1 if it is owed again, 2 to try again, 0 if there is nothing to do (a line still owed
-- and unclaimed, the chat given anew, gone to another agent or closed, no such line).
--- @include "includes/keys"
--- @include "includes/clock"

local id, agent, lineID = ARGV[1], ARGV[2], ARGV[4]
if ARGV[3] == 'history' then
  local told = redis.call('HMGET', KEYS[2], 'state', 'agent', 'announced', 'offered_at')
  if told[2] ~= agent or told[4] ~= ARGV[4] or (told[1] ~= 'offered' and told[1] ~= 'active') then return 0 end
  if told[3] ~= '1' then return redis.call('EXISTS', KEYS[4]) == 1 and 2 or 0 end
  redis.call('HSET', KEYS[2], 'announced', '0')
  return 1
end

local chat = redis.call('HMGET', KEYS[2], 'state', 'agent', 'forwarded', 'claimed', 'claim_until')
if chat[2] ~= agent or not chat[3] or (chat[1] ~= 'active' and chat[1] ~= 'closed') then return 0 end
local forwarded = tonumber(chat[3])

-- The line's number among the chat's visitor lines.
local number = tonumber(string.match(lineID, '^sb%-line%-' .. string.gsub(id, '%p', '%%%0') .. '%-(%d+)$'))
if not number then
  local count = 0
  for _, entry in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do
    local line = cjson.decode(entry)
    if line.kind == 'visitor' then
      count = count + 1
      if line.id == lineID then number = count break end
    end
  end
end
if not number then return 0 end
local claimLive = (tonumber(chat[4]) or 0) > forwarded and (tonumber(chat[5]) or 0) > now
if number > forwarded then return (claimLive and tonumber(chat[4]) >= number) and 2 or 0 end
if claimLive then return 2 end

redis.call('HSET', KEYS[2], 'forwarded', number - 1)
-- A closed chat's agent is passed what they missed, then told of the close again (close-10).
if chat[1] == 'closed' then redis.call('ZADD', K.owedClosed, now, id) end
return 1
