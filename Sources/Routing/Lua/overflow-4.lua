-- A waiting chat reached an overflow step: one required skill is dropped, or it moves to another queue.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] timers   KEYS[4] the chat's timers
-- ARGV[1] chat id   ARGV[2] step number   ARGV[3] 'drop' or 'move'   ARGV[4] the queue to move to
-- ARGV[5] the step's timer when it fired (it must still be due, and is taken in this step), or empty
-- ARGV[6] the queue whose step this is (empty: any)   ARGV[7] the overflow step delays (ms,
-- comma-separated) of the queue moved to, which replace the steps left
-- Returns {1, queue now} or {0, state} when the chat no longer waits, or {0, 'not-due'} for a
-- stale timer, {0, 'moved'} for a step of a queue the chat has left.
--- @include "includes/keys"
--- @include "includes/emit"
--- @include "includes/clearTimer"
--- @include "includes/moveVisitorIndex"
--- @include "includes/timerDue"
--- @include "includes/overflowSteps"

local id = ARGV[1]
local known = {timers = KEYS[3], chatTimers = KEYS[4]}
local chat = redis.call('HMGET', KEYS[2], 'state', 'queue', 'queued_at')
if not timerDue(ARGV[5] or '', KEYS[3]) then return {0, 'not-due'} end
-- Read for the queue the chat has since left: the timer stays, for a look with the queue it is in.
if chat[1] == 'queued' and (ARGV[6] or '') ~= '' and chat[2] ~= ARGV[6] then return {0, 'moved'} end
clearTimer(id, 'overflow|' .. id .. '|' .. ARGV[2], known)
if chat[1] ~= 'queued' then return {0, chat[1] or 'unknown'} end
if ARGV[3] == 'drop' then
  redis.call('HINCRBY', KEYS[2], 'dropped', 1)
  emit('overflow', id, chat[2], '', 'step', ARGV[2], 'action', 'drop')
  return {1, chat[2]}
end
local target = ARGV[4]
local score = redis.call('ZSCORE', K.waiting(chat[2]), id) or chat[3]
redis.call('ZREM', K.waiting(chat[2]), id)
redis.call('ZADD', K.waiting(target), score, id)
redis.call('HSET', KEYS[2], 'queue', target, 'dropped', 0)
moveVisitorIndex(KEYS[2], id, chat[2], target)
replaceOverflowSteps(id, ARGV[7] or '', known)
emit('overflow', id, target, '', 'step', ARGV[2], 'action', 'move', 'from', chat[2])
return {1, target}
