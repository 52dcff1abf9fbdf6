-- A router wrote the visitor's lines it claimed to its XMPP link: the agent's mark moves past
-- them, the claim ends, and lines stored meanwhile (left to this claim) are claimed in the same
-- step for the caller to send and confirm in turn. See includes/claimUnsent.lua.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its transcript
-- ARGV[1] chat id   ARGV[2] the agent the lines went to   ARGV[3] the claimed count sent
-- ARGV[4] the next claim's lease in ms
-- Returns as claimUnsent-3: {the count to confirm (0 if none claimed), 1 if a live claim of
--          another sender holds lines owed or 0, the lines' texts oldest first...}.
--- @include "includes/claimUnsent"

local id, upTo = ARGV[1], tonumber(ARGV[3])
local chat = redis.call('HMGET', KEYS[2], 'state', 'agent', 'forwarded', 'claimed')
-- The chat went to another agent, or closed: their history carries the lines, not this claim.
if chat[1] ~= 'active' or chat[2] ~= ARGV[2] or not chat[3] then return {0, 0} end
if upTo > tonumber(chat[3]) then redis.call('HSET', KEYS[2], 'forwarded', upTo) end
-- Another sender took the lines over past this claim (its lease ran out): they are theirs now.
if (tonumber(chat[4]) or 0) > upTo then return {0, 1} end
redis.call('HDEL', KEYS[2], 'claimed', 'claim_until')
return claimUnsent(id, nil, tonumber(ARGV[4]))
