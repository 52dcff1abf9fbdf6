-- An agent hands an active chat to a queue (it waits at the front, its wait starting anew)
-- or to another agent (offered or given at once, as that agent's queue accepts).
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its declined agents   KEYS[4] the agent holding it
-- KEYS[5] that agent's chats   KEYS[6] timers   KEYS[7] the chat's timers
-- ARGV[1] chat id   ARGV[2] the agent holding it   ARGV[3] 'queue' or 'agent'   ARGV[4] target
-- ARGV[5] target agent's capacity   ARGV[6] offer timeout in ms (0: auto accept)
-- ARGV[7] to a queue: its overflow step delays in ms, comma-separated (they replace the chat's steps)
-- ARGV[8] to an agent: the reply timeout in ms of the chat's queue (0 or absent: none)
-- Returns {1, new state} or {0, why}: 'not-yours', 'busy' (the target agent is full or unavailable).
--- @include "includes/keys"
--- @include "includes/clock"
--- @include "includes/emit"
--- @include "includes/release"
--- @include "includes/requeueFront"
--- @include "includes/give"
--- @include "includes/moveVisitorIndex"
--- @include "includes/overflowSteps"
--- @include "includes/audit"

local id, from, kind, target = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local chat = redis.call('HMGET', KEYS[2], 'state', 'agent', 'queue')
if chat[1] ~= 'active' or chat[2] ~= from then return {0, 'not-yours'} end
-- The target agent's keys are named from the schema: a transfer to a queue has none.
local known = {chat = KEYS[2], timers = KEYS[6], chatTimers = KEYS[7]}
local holder = {agent = KEYS[4], agentChats = KEYS[5]}
if kind == 'agent' then
  local a = redis.call('HMGET', K.agent(target), 'presence', 'load')
  if target == from or a[1] ~= 'available' or tonumber(a[2] or '0') >= tonumber(ARGV[5]) then
    return {0, 'busy'}
  end
  release(id, from, holder)
  emit('transferred', id, chat[3], from, 'to_agent', target)
  audit(from, 'transfer', id, 'to_agent', target)
  redis.call('HSET', KEYS[2], 'queued_at', now)
  return {1, give(id, chat[3], target, tonumber(ARGV[6]), known, tonumber(ARGV[8] or '0'))}
end
release(id, from, holder)
redis.call('HSET', KEYS[2], 'queue', target, 'queued_at', now, 'dropped', 0)
moveVisitorIndex(KEYS[2], id, chat[3], target)
replaceOverflowSteps(id, ARGV[7] or '', known)
redis.call('DEL', KEYS[3])
requeueFront(id, target, known)
emit('transferred', id, target, from, 'from_queue', chat[3], 'to_queue', target)
audit(from, 'transfer', id, 'to_queue', target)
return {1, 'queued'}
