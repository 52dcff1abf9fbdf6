-- An offer ends without acceptance: declined by the agent, or timed out. The chat goes back
-- to the front of its queue and is not offered to that agent again.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] the agent   KEYS[4] the chat's declined agents
-- KEYS[5] the agent's chats   KEYS[6] timers   KEYS[7] the chat's timers
-- ARGV[1] chat id   ARGV[2] agent   ARGV[3] 'declined', 'timeout' (the offer ran out) or 'noreply'
--   (accepted, but nothing written to the visitor within the reply timeout: counts as a missed offer)
-- ARGV[4] missed offers in a row after which an available agent is set away
-- ARGV[5] the offer's (or reply's) timer when it timed out (it must still be due, and is taken in this step), or empty
-- Returns {1, 'queued' | 'away' (the agent was set away)} or {0, why} ('not-due': a stale timer).
--- @include "includes/emit"
--- @include "includes/release"
--- @include "includes/requeueFront"
--- @include "includes/timerDue"
--- @include "includes/audit"

local id, agent, why = ARGV[1], ARGV[2], ARGV[3]
local claim = ARGV[5] or ''
local chat = redis.call('HMGET', KEYS[2], 'state', 'agent', 'queue')
-- A timer read before the offer was accepted, declined or made anew expires nothing.
if not timerDue(claim, KEYS[6]) then return {0, 'not-due'} end
local held = why == 'noreply' and 'active' or 'offered'
if chat[1] ~= held then
  if claim ~= '' then clearTimer(id, claim, {timers = KEYS[6], chatTimers = KEYS[7]}) end  -- left over
  return {0, chat[1] or 'unknown'}
end
-- A due timer of another agent's offer (read before it changed hands) stays for the next look.
if chat[2] ~= agent then return {0, 'not-yours'} end
local known = {chat = KEYS[2], agent = KEYS[3], agentChats = KEYS[5], timers = KEYS[6], chatTimers = KEYS[7]}
release(id, agent, known)
redis.call('SADD', KEYS[4], agent)
requeueFront(id, chat[3], known)
if why == 'declined' then
  emit('declined', id, chat[3], agent)
  audit(agent, 'decline', id)
  return {1, 'queued'}
end
if why == 'noreply' then
  emit('offer_timeout', id, chat[3], agent, 'reason', 'no-reply')
else
  emit('offer_timeout', id, chat[3], agent)
end
local missed = redis.call('HINCRBY', KEYS[3], 'missed', 1)
-- Only an available agent is set away: an offline one must stay offline, or their grace period
-- would never end and their active chats would stay with them.
if missed >= tonumber(ARGV[4]) and redis.call('HGET', KEYS[3], 'presence') == 'available' then
  redis.call('HSET', KEYS[3], 'presence', 'away', 'missed', 0, 'heldAway', 1)
  emit('presence', '', '', agent, 'presence', 'away', 'reason', 'missed-offers')
  return {1, 'away'}
end
return {1, 'queued'}
