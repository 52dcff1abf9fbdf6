-- The XMPP server took the visitor's lines a router claimed (`sent` of them, in order): the
-- agent's mark moves past them and the claim ends. If it took them all, lines stored meanwhile
-- (left to this claim) are claimed in the same step for the caller to send and confirm in turn;
-- if not, the rest go to the next claimer at once. See includes/claimUnsent.lua.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its transcript
-- ARGV[1] chat id   ARGV[2] the agent the lines went to   ARGV[3] the count the server took
-- ARGV[4] the next claim's lease in ms   ARGV[5] the count the claim ended at
-- Returns as claimUnsent-3: {the count to confirm (0 if none claimed), 1 if a live claim of
--          another sender holds lines owed or 0, the lines (JSON, as in the transcript) oldest first...}.
--- @include "includes/claimUnsent"

local id, sent, claimedUpTo = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[5])
local chat = redis.call('HMGET', KEYS[2], 'state', 'agent', 'forwarded', 'claimed')
-- The chat went to another agent, or closed: their history carries the lines, not this claim
-- (but for a closed chat marked owed, close-10: its agent is passed what they missed).
local owedClosed = chat[1] == 'closed' and redis.call('ZSCORE', K.owedClosed, id)
if (chat[1] ~= 'active' and not owedClosed) or chat[2] ~= ARGV[2] or not chat[3] then return {0, 0} end
if sent > tonumber(chat[3]) then redis.call('HSET', KEYS[2], 'forwarded', sent) end
-- Another sender took the lines over past this claim (its lease ran out): they are theirs now.
if (tonumber(chat[4]) or 0) > claimedUpTo then return {0, 1} end
redis.call('HDEL', KEYS[2], 'claimed', 'claim_until')
if sent < claimedUpTo then return {0, 0} end
return claimUnsent(id, nil, tonumber(ARGV[4]))
