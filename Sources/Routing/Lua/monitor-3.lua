-- A supervisor starts watching an open chat: copies of its messages go to them until it closes.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its monitoring supervisors
-- ARGV[1] chat id   ARGV[2] supervisor (bare JID)
-- Returns {1, agent holding the chat} or {0, state ('closed' or 'unknown')}.
--- @include "includes/emit"
--- @include "includes/audit"

local chat = redis.call('HMGET', KEYS[2], 'state', 'agent')
if not chat[1] or chat[1] == 'closed' then return {0, chat[1] or 'unknown'} end
redis.call('SADD', KEYS[3], ARGV[2])
emit('monitored', ARGV[1], '', chat[2], 'supervisor', ARGV[2])
audit(ARGV[2], 'monitor', ARGV[1])
return {1, chat[2]}
