-- Appends a line to a chat's transcript, once: a message id seen before is not stored again.
-- An agent's message or note is taken only from the agent holding the chat, while active;
-- a supervisor's whisper (checked by the router) from its sender.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its monitoring supervisors   KEYS[4] its seen message ids
-- KEYS[5] its transcript   KEYS[6] its relayed message ids
-- ARGV[1] chat id   ARGV[2] kind: 'visitor' | 'agent' | 'note' | 'whisper' | 'system'   ARGV[3] sender
-- ARGV[4] text   ARGV[5] message id for de-duplication (may be empty; kept as 'v:ID' for the
-- visitor's lines, 'a:ID' for the others, so that ids from both sides never collide)
-- ARGV[6] relay detail, JSON {id, attachment, replaces} (may be empty)   ARGV[7] the sender's own
-- message id, mapped to the relayed one in KEYS[6] (may be empty)
-- ARGV[8] 'canned' when an agent's line is a canned reply (audited as such), else empty
-- Returns {1 if stored, 0 if a duplicate or the chat is closed or unknown, -1 if the agent
--          does not hold the chat; the visitor; the queue; the channel; the agent; the address the
--          visitor wrote to (a queue's local part, empty for the service domain); supervisors monitoring...}
--- @include "includes/clock"
--- @include "includes/emit"
--- @include "includes/clearTimer"
--- @include "includes/audit"
--- @include "includes/relayLine"

local id, kind = ARGV[1], ARGV[2]
local chat = redis.call('HMGET', KEYS[2], 'state', 'queue', 'agent', 'visitor', 'channel', 'address')
if not chat[1] or chat[1] == 'closed' then return {0, '', '', '', '', ''} end
-- A chat opened before the address was kept answers from its queue's.
local where = {chat[4], chat[2], chat[5], chat[3], chat[6] or chat[2]}
for _, supervisor in ipairs(redis.call('SMEMBERS', KEYS[3])) do table.insert(where, supervisor) end
if (kind == 'agent' or kind == 'note') and (chat[1] ~= 'active' or chat[3] ~= ARGV[3]) then
  return {-1, unpack(where)}
end
local seen = (kind == 'visitor' and 'v:' or 'a:') .. ARGV[5]
if ARGV[5] ~= '' and redis.call('SADD', KEYS[4], seen) == 0 then return {0, unpack(where)} end
local detail = ARGV[6] or ''
redis.call('RPUSH', KEYS[5], cjson.encode(withDetail({t = now, kind = kind, from = ARGV[3], text = ARGV[4]}, detail)))
if detail ~= '' then linkIDs(KEYS[6], kind == 'visitor' and 'v' or 'a', ARGV[7], cjson.decode(detail).id) end
-- A visitor's line counts towards what the agent is owed (`claimUnsent`).
if kind == 'visitor' then redis.call('HINCRBY', KEYS[2], 'said', 1) end
-- The agent wrote to the visitor: the reply timeout is met (a note is not a reply).
if kind == 'agent' then clearTimer(id, 'reply|' .. id) end
if kind == 'visitor' or kind == 'agent' then
  emit(kind .. '_message', id, chat[2], chat[3])
end
-- Notes, whispers and canned replies are audited (by who wrote them); plain lines are not.
local action = (kind == 'note' or kind == 'whisper') and kind or (kind == 'agent' and ARGV[8] == 'canned' and 'canned')
if action then audit(ARGV[3], action, id) end
return {1, unpack(where)}
