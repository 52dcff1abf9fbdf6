-- A visitor rates their closed chat (1-5, perhaps with a comment) within the queue's csat window:
-- the last rating within the window wins; each one is a `rated` event naming the score it replaces.
-- KEYS[1] event stream   KEYS[2] the visitor's rating key in the queue (`chat|agent|score so far`)
-- ARGV[1] queue   ARGV[2] the chat rated, or empty for the one the key names (a reply over XMPP)
-- ARGV[3] score 1-5   ARGV[4] comment (may be empty)
-- Returns {1, chat id} or {0, why}: 'no-rating' (no chat to rate: never asked, or the window has
-- passed), 'other-chat' (the key names another chat), 'bad-score'.
--- @include "includes/keys"
--- @include "includes/clock"
--- @include "includes/emit"

local score = tonumber(ARGV[3])
if not score or score < 1 or score > 5 or score % 1 ~= 0 then return {0, 'bad-score'} end
local pending = redis.call('GET', KEYS[2])
if not pending then return {0, 'no-rating'} end
local id, agent, previous = string.match(pending, '^([^|]*)|([^|]*)|(%d)$')
if not id then return {0, 'no-rating'} end
if ARGV[2] ~= '' and ARGV[2] ~= id then return {0, 'other-chat'} end
redis.call('SET', KEYS[2], id .. '|' .. agent .. '|' .. score, 'KEEPTTL')
-- The chat's record is gone already when the workflow keeps nothing after close (retention 0).
if redis.call('EXISTS', K.chat(id)) == 1 then
  redis.call('HSET', K.chat(id), 'rating', score, 'rating_comment', ARGV[4], 'rated_at', now)
end
emit('rated', id, ARGV[1], agent, 'score', score, 'previous', previous, 'comment', ARGV[4])
return {1, id}
