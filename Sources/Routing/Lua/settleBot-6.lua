-- A queue's bot answered a visitor line, or the chat leaves the bot: its reply is kept in the
-- transcript as the bot's line, or the chat joins the line of a queue at once (a handoff, a bot
-- error, a bad answer, or no answer in time). Only a chat still with the bot changes: an answer
-- arriving after the chat was handed over is dropped, and of two handoffs only the first acts.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its transcript   KEYS[4] timers
-- KEYS[5] the chat's timers   KEYS[6] the waiting chats of the queue it joins (ARGV[4])
-- ARGV[1] chat id   ARGV[2] 'reply' | 'handoff'   ARGV[3] the reply's text, or why it is handed over
-- ARGV[4] the queue it joins on handoff   ARGV[5] that queue's overflow step delays in ms,
-- comma-separated (may be empty)   ARGV[6] that queue's max wait in ms (0: none)
-- ARGV[7] the timer handing it over (`bot|ID`: it must still be due, and is taken here), or empty
-- ARGV[8] the name the bot's lines are kept under
-- Returns {1, 'bot'} (a reply kept), {1, 'queued', position}, or {0, why}: 'not-due' (a stale
-- timer: the bot answered since), or the chat's state when it is no longer with the bot.
--- @include "includes/keys"
--- @include "includes/clock"
--- @include "includes/emit"
--- @include "includes/setTimer"
--- @include "includes/clearTimer"
--- @include "includes/timerDue"
--- @include "includes/moveVisitorIndex"

local id, claim = ARGV[1], ARGV[7] or ''
local known = {timers = KEYS[4], chatTimers = KEYS[5]}
if not timerDue(claim, KEYS[4]) then return {0, 'not-due'} end
local chat = redis.call('HMGET', KEYS[2], 'state', 'queue', 'visitor', 'channel')
if not chat[1] then return {0, 'unknown'} end
if chat[1] ~= 'bot' then return {0, chat[1]} end
local timer = 'bot|' .. id

if ARGV[2] == 'reply' then
  redis.call('RPUSH', KEYS[3], cjson.encode({t = now, kind = 'bot', from = ARGV[8], text = ARGV[3]}))
  -- The timer stays while another line waits for its answer (a second router's call).
  if redis.call('HINCRBY', KEYS[2], 'bot_pending', -1) <= 0 then
    redis.call('HSET', KEYS[2], 'bot_pending', 0)
    clearTimer(id, timer, known)
  end
  return {1, 'bot'}
end

clearTimer(id, timer, known)
local queue = ARGV[4]
if queue ~= chat[2] then
  moveVisitorIndex(KEYS[2], id, chat[2], queue)
  redis.call('HSET', KEYS[2], 'queue', queue)
end
redis.call('HSET', KEYS[2], 'state', 'queued', 'queued_at', now)
redis.call('HDEL', KEYS[2], 'bot_pending')
redis.call('ZADD', KEYS[6], now, id)
local handed = {t = now, kind = 'system', from = ARGV[8], text = 'handed over: ' .. ARGV[3]}
redis.call('RPUSH', KEYS[3], cjson.encode(handed))
local maxWait = tonumber(ARGV[6]) or 0
if maxWait > 0 then setTimer(id, 'maxwait|' .. id, now + maxWait, known) end
local step = 0
for delay in string.gmatch(ARGV[5], '%d+') do
  step = step + 1
  setTimer(id, 'overflow|' .. id .. '|' .. step, now + tonumber(delay), known)
end
emit('queued', id, queue, '', 'visitor', chat[3], 'channel', chat[4], 'from', 'bot')
return {1, 'queued', redis.call('ZRANK', KEYS[6], id) + 1}
