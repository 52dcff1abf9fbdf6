-- An agent accepts the chat offered to them.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] the agent   KEYS[4] timers   KEYS[5] the chat's timers
-- ARGV[1] chat id   ARGV[2] agent (bare JID)   ARGV[3] the queue's reply timeout in ms (0 or absent: none)
-- Returns {1, 'active'} or {0, why}: 'not-yours' (offered to, or held by, someone else), or the
-- chat's state when it is not offered.
--- @include "includes/clock"
--- @include "includes/emit"
--- @include "includes/clearTimer"
--- @include "includes/setTimer"
--- @include "includes/recordAnswer"
--- @include "includes/audit"

local id, agent = ARGV[1], ARGV[2]
local chat = redis.call('HMGET', KEYS[2], 'state', 'agent', 'queue')
if chat[1] and chat[1] ~= 'closed' and chat[2] ~= agent then return {0, 'not-yours'} end
if chat[1] ~= 'offered' then return {0, chat[1] or 'unknown'} end
redis.call('HSET', KEYS[2], 'state', 'active', 'accepted_at', now)
clearTimer(id, 'offer|' .. id, {timers = KEYS[4], chatTimers = KEYS[5]})
redis.call('HSET', KEYS[3], 'missed', 0)
local known = {chat = KEYS[2], timers = KEYS[4], chatTimers = KEYS[5]}
local replyMs = tonumber(ARGV[3] or '0') or 0
if replyMs > 0 then setTimer(id, 'reply|' .. id, now + replyMs, known) end
recordAnswer(id, chat[3], agent, known)
emit('accepted', id, chat[3], agent)
audit(agent, 'accept', id)
return {1, 'active'}
