-- A visitor's message to a queue: opens a chat unless the visitor has one open there, and
-- keeps the message in its transcript (once, by message id), in one step.
-- KEYS[1] event stream   KEYS[2] the visitor's open chat in the queue (its id)   KEYS[3] the queue's waiting chats
-- KEYS[4] the chat id counter   KEYS[5] open chats   KEYS[6] timers
-- ARGV[1] queue   ARGV[2] visitor (bare JID, or web:TOKEN)   ARGV[3] visitor's display name
-- ARGV[4] channel (xmpp | web)   ARGV[5] overflow step delays in ms, comma-separated (may be empty)
-- ARGV[6] the message text (empty: open only)   ARGV[7] message id for de-duplication (may be empty)
-- ARGV[8] relay detail, JSON {id, attachment, replaces} (may be empty)   ARGV[9] the visitor's own
-- message id, mapped to the relayed one in the chat's id map (may be empty)
-- ARGV[10] the address the visitor wrote to, kept for the whole chat as `address`: a queue's
--         local part, or empty for the service domain (missing: the queue's own address)
-- ARGV[11] the queue's max wait in ms (0 or absent: none)
-- ARGV[12] the queue's bot backstop in ms (0 or absent: no bot): a new chat opens in state `bot`,
--         out of the line, until a bot answer hands it over (`settleBot-6.lua`); each visitor line
--         stored while it is there counts a call in `bot_pending` and (re)sets the `bot|ID` timer
--         that long ahead, so any router hands the chat over if the caller died unanswered
-- ARGV[13] the lease in ms of a claim of lines for the agent
-- ARGV[14] how long in ms a line ahead of the one its client numbered before it is held for it
--         (includes/visitorOrder; absent: 250, 0: never held)
-- ARGV[15] the routing plan's SHA-1, as route-2.lua takes it (empty or absent: no pass here): a
--         chat opened now in the line is routed in this step, not in a routing pass after it
--         (one round trip before the agent's offer, not three). Missing: the error NOPLAN, before
--         anything is written, and the caller stores the plan and runs again.
-- ARGV[16] the most assignments that pass makes   ARGV[17] milliseconds to hold the right to
--         announce each chat it gives (route-2.lua's ARGV[3])
-- A chat opened while the visitor's `leave` key is set (their last wait ended at max_wait, or the
-- web form left a message) is a message left: it waits with no max wait, and the key goes.
-- Returns {chat id, 1 if created now (2: created as a message left) or 0 if already open,
--          position in the queue (0 if not waiting), state, agent, 1 if the message was stored now,
--          2 if kept but held until the line before it comes (includes/visitorOrder), or 0,
--          {the visitor's lines claimed for the agent, as claimUnsent-3 returns them}, supervisors monitoring...};
--          for a chat opened now in the line with ARGV[15] given, instead of supervisors: {the pass,
--          as route-2.lua replies}, {the new chat's history, as takeHistory-3 replies, if the pass
--          gave it and took the right to announce it; else {}}
-- Visitor message ids are kept as 'v:ID' (agents' as 'a:ID'): clients number alike. A correction
-- of a line the agent got inside the offer's history keeps that line's text as `quote`.
--- @include "includes/keys"
--- @include "includes/clock"
--- @include "includes/emit"
--- @include "includes/setTimer"
--- @include "includes/clearTimer"
--- @include "includes/claimUnsent"
--- @include "includes/relayLine"
--- @include "includes/quoteIfTold"
--- @include "includes/holdLine"
--- @include "includes/routePass"
--- @include "includes/takeHistory"

local queue, visitor = ARGV[1], ARGV[2]
local planSHA = ARGV[15] or ''
if planSHA ~= '' and redis.call('EXISTS', K.plan(planSHA)) == 0 then
  return redis.error_reply('NOPLAN routing plan ' .. planSHA .. ' is not stored')
end
-- Returns 1 and the last line placed (JSON) if stored now, 2 if kept but held until the line
-- before it comes (includes/visitorOrder), else 0.
local function store(id, chatQueue, agent)
  if ARGV[6] == '' then return 0 end
  if ARGV[7] ~= '' and redis.call('SADD', K.seen(id), 'v:' .. ARGV[7]) == 0 then return 0 end
  clearTimer(id, 'gone|' .. id, {timers = KEYS[6]})  -- the visitor is back
  local botMs = tonumber(ARGV[12] or '0') or 0
  local withBot = redis.call('HGET', K.chat(id), 'state') == 'bot'
  local entry = {s = 'v:' .. ARGV[7], text = ARGV[6], detail = ARGV[8] or '', mapped = ARGV[9] or ''}
  local holdMs = tonumber(ARGV[14] or '250') or 250
  if ARGV[7] ~= '' and not withBot and holdIfEarly(id, entry, holdMs, KEYS[6]) then return 2 end
  local line = placeVisitorLine(id, visitor, entry, chatQueue, agent)
  if withBot and botMs > 0 then
    redis.call('HINCRBY', K.chat(id), 'bot_pending', 1)
    setTimer(id, 'bot|' .. id, now + botMs, {timers = KEYS[6]})
  end
  if ARGV[7] ~= '' then line = placeHeldAfter(id, visitor, entry.s, chatQueue, agent) or line end
  return 1, line
end
-- A late copy of a line of the chat the visitor last closed (resent during a fault, handled by a
-- router that stalled until after the close) was kept there: it opens no chat, and joins none the
-- visitor opened since. The closed chat's ids stay two minutes (`close-10.lua`); a client that
-- reused an id within them would lose that line, which counting and random ids never do.
if ARGV[7] ~= '' and ARGV[6] ~= '' then
  local last = redis.call('GET', K.lastChat(visitor))
  if last and redis.call('SISMEMBER', K.seen(last), 'v:' .. ARGV[7]) == 1 then
    return {last, 0, 0, 'closed', '', 0, {0, 0}}
  end
end
local open = redis.call('GET', KEYS[2])
-- An index left behind by a chat that moved on and closed since names no open chat.
if open and redis.call('HGET', K.chat(open), 'state') == 'closed' then open = nil end
if open then
  local chat = redis.call('HMGET', K.chat(open), 'state', 'agent', 'queue')
  local place = redis.call('ZRANK', KEYS[3], open)
  local stored, line = store(open, chat[3], chat[2])
  -- A resent line (stored before, the agent never told) goes now too.
  local unsent = claimUnsent(open, line, tonumber(ARGV[13]))
  local reply = {open, 0, place and place + 1 or 0, chat[1], chat[2], stored, unsent}
  for _, supervisor in ipairs(redis.call('SMEMBERS', K.monitors(open))) do table.insert(reply, supervisor) end
  return reply
end
local id = tostring(redis.call('INCR', KEYS[4]))
local left = redis.call('DEL', K.leaveMessage(queue, visitor))
redis.call('DEL', K.rating(queue, visitor))  -- a digit written in the new chat is for its agent
-- A message left goes to the agents: nobody is there to answer it now.
if left == 0 and (tonumber(ARGV[12] or '0') or 0) > 0 and ARGV[6] ~= '' then
  redis.call('HSET', K.chat(id), 'id', id, 'queue', queue, 'visitor', visitor, 'name', ARGV[3],
    'channel', ARGV[4], 'state', 'bot', 'agent', '', 'created', now, 'dropped', 0, 'address', ARGV[10] or queue)
  redis.call('SET', KEYS[2], id)
  redis.call('SADD', KEYS[5], id)
  local stored = store(id, queue, '')
  return {id, 1, 0, 'bot', '', stored, {0, 0}}
end
redis.call('HSET', K.chat(id), 'id', id, 'queue', queue, 'visitor', visitor, 'name', ARGV[3],
  'channel', ARGV[4], 'state', 'queued', 'agent', '', 'created', now, 'queued_at', now, 'dropped', 0,
  'address', ARGV[10] or queue)
redis.call('SET', KEYS[2], id)
redis.call('SADD', KEYS[5], id)
redis.call('ZADD', KEYS[3], now, id)
local maxWait = tonumber(ARGV[11] or '0') or 0
if left == 0 and maxWait > 0 then setTimer(id, 'maxwait|' .. id, now + maxWait, {timers = KEYS[6]}) end
local step = 0
for delay in string.gmatch(ARGV[5], '%d+') do
  step = step + 1
  setTimer(id, 'overflow|' .. id .. '|' .. step, now + tonumber(delay), {timers = KEYS[6]})
end
emit('queued', id, queue, '', 'visitor', visitor, 'channel', ARGV[4])
local stored = store(id, queue, '')
local reply = {id, 1 + left, redis.call('ZRANK', KEYS[3], id) + 1, 'queued', '', stored, {0, 0}}
if planSHA == '' then return reply end
-- The pass a new chat calls for, here. The new chat's history is taken with it: the router
-- tells its agent from this reply, with no round trip between (other chats the pass gave are
-- told as after route-2.lua, each from its own history read).
local routed = routePass(cjson.decode(redis.call('GET', K.plan(planSHA))), tonumber(ARGV[16]),
  tonumber(ARGV[17] or '0') or 0, {timers = KEYS[6]})
local history = {}
for i = 1, #routed[1], 4 do
  if routed[1][i] == id and #routed[2][(i + 3) / 4] == 1 then history = takeHistory(K.chat(id), K.transcript(id)) end
end
table.insert(reply, routed)
table.insert(reply, history)
return reply
