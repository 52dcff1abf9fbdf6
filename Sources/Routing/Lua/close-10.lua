-- Closes a chat. Closed before an agent accepted it, it counts as abandoned. The chat's record,
-- transcript and id map are kept for the retention (then expire; 0: removed now), and so is the
-- visitor's pointer to it as their last chat (`/transcript`); its seen message ids for two
-- minutes at most; every other key of the chat, and every visitor index naming it, goes now.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] the chat's timers   KEYS[4] its declined agents
-- KEYS[5] its seen message ids   KEYS[6] its monitoring supervisors   KEYS[7] all timers   KEYS[8] open chats
-- KEYS[9] its transcript   KEYS[10] its relayed message ids
-- ARGV[1] chat id   ARGV[2] who closes: 'visitor' | 'agent' | 'timeout' | 'system'
-- ARGV[3] the agent closing it (must hold the chat), or empty
-- ARGV[4] the timer closing it (`gone|ID`: it must still be due, and is taken in this step), or empty
-- ARGV[5] retention in ms
-- ARGV[6] the queue's csat window in ms (0 or absent: no rating asked): an active chat closing
--   leaves the visitor's `rating` key, naming it, for that long
-- ARGV[7] with a `maxwait|ID` timer: how long the visitor's next chat counts as a message left (ms)
-- ARGV[8] the message id of the visitor's `/end` (may be empty or absent): kept as `e:ID` with the
--   closed chat's seen ids; a copy of it (resent during a fault, handled late) ends no chat the
--   visitor opened since: refused as 'ended-already' while their last chat holds that id
-- A `maxwait|ID` timer closes only a chat still waiting (queued or offered).
-- An active chat closed by the visitor or a timer while its agent was owed visitor lines (kept
-- while the agent's link was down) is marked in `owedclosed` (by close time): a router's sweep
-- passes them on, then the closing notice again (RoutingPass).
-- Returns {1, state before} or {0, why} ('not-due': a stale timer, e.g. the visitor came back;
-- 'ended-already': a copy of the visitor's end of their last chat).
--- @include "includes/keys"
--- @include "includes/clock"
--- @include "includes/emit"
--- @include "includes/release"
--- @include "includes/clearTimer"
--- @include "includes/timerDue"
--- @include "includes/audit"
--- @include "includes/placeLapsed"

local id, by = ARGV[1], ARGV[2]
local retention = tonumber(ARGV[5]) or 0
local claim = ARGV[4] or ''
if not timerDue(claim, KEYS[7]) then return {0, 'not-due'} end
if claim ~= '' then clearTimer(id, claim, {timers = KEYS[7], chatTimers = KEYS[3]}) end
local chat = redis.call('HMGET', KEYS[2], 'state', 'agent', 'queue', 'visitor', 'indexed', 'said', 'forwarded')
if not chat[1] or chat[1] == 'closed' then return {0, chat[1] or 'unknown'} end
local endID = ARGV[8] or ''
if endID ~= '' and chat[4] then
  local last = redis.call('GET', K.lastChat(chat[4]))
  if last and last ~= id and redis.call('SISMEMBER', K.seen(last), 'e:' .. endID) == 1 then
    return {0, 'ended-already'}
  end
end
if by == 'agent' and (chat[1] ~= 'active' or chat[2] ~= ARGV[3]) then return {0, 'not-yours'} end
local waitedOut = string.sub(claim, 1, 8) == 'maxwait|'
if waitedOut and chat[1] ~= 'queued' and chat[1] ~= 'offered' then return {0, chat[1]} end
local abandoned = (chat[1] == 'queued' or chat[1] == 'offered') and 1 or 0
-- Lines held for the one before them are kept all the same (includes/visitorOrder).
if (tonumber(redis.call('HGET', KEYS[2], 'held')) or 0) > 0 then
  placeLapsed(id, chat[4], chat[3], chat[2], true, KEYS[7])
end
redis.call('ZREM', K.waiting(chat[3]), id)
release(id, chat[2])
for _, member in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('ZREM', KEYS[7], member) end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[6])
-- The queue it is in, and every queue it was indexed from as it moved.
local indexed = chat[3] .. ' ' .. (chat[5] or '')
for queue in string.gmatch(indexed, '%S+') do
  if redis.call('GET', K.visitor(queue, chat[4])) == id then redis.call('DEL', K.visitor(queue, chat[4])) end
end
redis.call('SREM', KEYS[8], id)
if waitedOut then
  emit('closed', id, chat[3], chat[2], 'by', by, 'abandoned', abandoned, 'reason', 'max_wait')
  redis.call('SET', K.leaveMessage(chat[3], chat[4]), id, 'PX', math.max(tonumber(ARGV[7] or '0') or 0, 1))
else
  emit('closed', id, chat[3], chat[2], 'by', by, 'abandoned', abandoned)
end
if by == 'agent' then audit(ARGV[3], 'close', id) end
local csatMs = tonumber(ARGV[6] or '0') or 0
if csatMs > 0 and chat[1] == 'active' and chat[4] then
  redis.call('SET', K.rating(chat[3], chat[4]), id .. '|' .. (chat[2] or '') .. '|0', 'PX', csatMs)
end
if retention <= 0 then
  redis.call('DEL', KEYS[2], KEYS[5], KEYS[9], KEYS[10])
else
  redis.call('SET', K.lastChat(chat[4]), id, 'PX', retention)
  -- Its message ids, for two minutes: a late copy of one of its lines opens no chat (enqueue-6),
  -- nor does a late copy of the end that closed it close the next one (above).
  if endID ~= '' then redis.call('SADD', KEYS[5], 'e:' .. endID) end
  redis.call('PEXPIRE', KEYS[5], math.min(retention, 120000))
  redis.call('HSET', KEYS[2], 'state', 'closed', 'closed_at', now, 'closed_by', by, 'abandoned', abandoned)
  local forwarded = tonumber(chat[7])
  if chat[1] == 'active' and by ~= 'agent' and forwarded and forwarded < (tonumber(chat[6]) or 0) then
    redis.call('ZADD', K.owedClosed, now, id)
  end
  redis.call('PEXPIRE', KEYS[2], retention)
  redis.call('PEXPIRE', KEYS[9], retention)
  redis.call('PEXPIRE', KEYS[10], retention)
end
return {1, chat[1]}
