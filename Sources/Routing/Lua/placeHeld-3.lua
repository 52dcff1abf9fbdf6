-- A chat's `hold|ID` timer is due: the visitor's lines held past their time (the line before
-- never came: see includes/visitorOrder) are placed, and what the agent is owed is claimed.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] all timers
-- ARGV[1] chat id   ARGV[2] the timer (`hold|ID`: it must still be due, and is taken in this
-- step; empty: a direct call)   ARGV[3] the lease in ms of a claim of lines for the agent
-- Returns {1 if due, the chat's agent, the visitor's name, {the visitor's lines claimed for the
--          agent, as claimUnsent-3 returns them}}, or {0, ...} if not due or no open chat.
--- @include "includes/keys"
--- @include "includes/clock"
--- @include "includes/timerDue"
--- @include "includes/clearTimer"
--- @include "includes/claimUnsent"
--- @include "includes/placeLapsed"

local id, claim = ARGV[1], ARGV[2] or ''
if not timerDue(claim, KEYS[3]) then return {0, '', '', {0, 0}} end
if claim ~= '' then clearTimer(id, claim, {timers = KEYS[3]}) end
local chat = redis.call('HMGET', KEYS[2], 'state', 'agent', 'queue', 'visitor', 'name')
if not chat[1] or chat[1] == 'closed' then return {0, '', '', {0, 0}} end
placeLapsed(id, chat[4], chat[3], chat[2], false, KEYS[3])
return {1, chat[2] or '', chat[5] or '', claimUnsent(id, nil, tonumber(ARGV[3]))}
