-- The one atomic step of the stats service: applies routing events in stream order to the
-- per-chat state and the per-minute facts, moves the applied cursor and acknowledges the entries
-- in the consumer group. A SIGKILL before it leaves nothing applied; after it, everything applied
-- and acknowledged together: no event is lost or counted twice. Entries are applied from the
-- stream itself, in order from the cursor, whoever they were delivered to.
-- KEYS[1] event stream ({prefix}:events)   KEYS[2] the applied cursor   KEYS[3] all-time totals
--   (the facts of each minute and each open chat's state are named by includes/keys.lua)
-- ARGV[1] consumer group   ARGV[2] most entries to apply in this call
-- ARGV[3] queue SLAs in ms, JSON {"queue": ms}   ARGV[4] SLA in ms of a queue not listed
-- ARGV[5] seconds to keep each minute's facts (0: for ever)
-- ARGV[6] upper bounds in ms of the metrics' histogram buckets, comma-separated
-- ARGV[7...] ids delivered to the caller: entries up to the highest are applied; every
--            delivered id at or below the cursor afterwards is acknowledged. None: apply up to the end.
-- Returns {entries applied now, the applied cursor, 1 if there may be more to apply up to the highest id}
--- @include "includes/keys"

local group, limit = ARGV[1], tonumber(ARGV[2])
local slas = cjson.decode(ARGV[3])
local defaultSla, keep = tonumber(ARGV[4]), tonumber(ARGV[5])
local bounds = {}
for bound in string.gmatch(ARGV[6], '%d+') do table.insert(bounds, tonumber(bound)) end

local function parseId(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function after(a, b)  -- stream id a comes after b
  local am, as = parseId(a)
  local bm, bs = parseId(b)
  return am > bm or (am == bm and as > bs)
end

local cursor = redis.call('GET', KEYS[2]) or '0-0'
local upTo = '+'
for i = 7, #ARGV do
  if upTo == '+' or after(ARGV[i], upTo) then upTo = ARGV[i] end
end

local function sla(queue) return tonumber(slas[queue] or defaultSla) end

-- A fact: one count or timing sample (ms) with its queue and agent, kept in the list of
-- the minute it happened in; all-time totals per queue for /metrics beside it.
local function fact(ts, kind, queue, agent, value)
  local key = K.facts(math.floor(ts / 60000))
  redis.call('RPUSH', key, kind .. '\t' .. queue .. '\t' .. agent .. '\t' .. (value or 1))
  if keep > 0 then redis.call('EXPIRE', key, keep) end
  local totals = KEYS[3]
  if not value then
    redis.call('HINCRBY', totals, kind .. '|' .. queue, 1)
    return
  end
  redis.call('HINCRBY', totals, kind .. '|' .. queue .. '|count', 1)
  redis.call('HINCRBY', totals, kind .. '|' .. queue .. '|sum', value)
  local bucket = 'inf'
  for _, bound in ipairs(bounds) do
    if value <= bound then bucket = tostring(bound) break end
  end
  redis.call('HINCRBY', totals, kind .. '|' .. queue .. '|le|' .. bucket, 1)
end


-- A wait starts: the chat (again) enters a queue and counts as offered to it.
local function startWait(c, queue, ts)
  redis.call('HDEL', c, 'accepted', 'agent', 'first_pending')
  redis.call('HSET', c, 'queue', queue, 'waiting_since', ts)
  fact(ts, 'offered', queue, '')
end

local function accept(e, c, ts)
  local st = redis.call('HMGET', c, 'queue', 'waiting_since')
  if not st[1] then return end  -- never seen queued (e.g. trimmed from the stream)
  local queue = st[1]
  if st[2] then
    local wait = ts - tonumber(st[2])
    fact(ts, 'wait', queue, e.agent, wait)
    fact(ts, 'answered', queue, e.agent)
    if wait <= sla(queue) then fact(ts, 'in_sla', queue, e.agent) end
  end
  redis.call('HDEL', c, 'waiting_since')
  redis.call('HSET', c, 'accepted', ts, 'agent', e.agent, 'first_pending', 1)
end

local handlers = {}
handlers.queued = function(e, c, ts) startWait(c, e.queue, ts) end
handlers.assigned = accept  -- auto accept: given is accepted
handlers.accepted = accept
handlers.offer_timeout = function(e, c, ts)
  if redis.call('EXISTS', c) == 1 then fact(ts, 'missed', e.queue, e.agent) end
end
handlers.visitor_message = function(_, c, ts)
  if redis.call('EXISTS', c) == 1 then redis.call('HSETNX', c, 'visitor_waiting_since', ts) end
end
handlers.agent_message = function(e, c, ts)
  local st = redis.call('HMGET', c, 'queue', 'visitor_waiting_since', 'first_pending', 'accepted')
  if not st[1] then return end
  if st[2] then
    fact(ts, 'response', st[1], e.agent, ts - tonumber(st[2]))
    redis.call('HDEL', c, 'visitor_waiting_since')
  end
  if st[3] and st[4] then
    fact(ts, 'first_response', st[1], e.agent, ts - tonumber(st[4]))
    redis.call('HDEL', c, 'first_pending')
  end
end
handlers.transferred = function(e, c, ts)
  local queue = redis.call('HGET', c, 'queue')
  if not queue then return end
  fact(ts, 'transferred', queue, e.agent)
  startWait(c, e.to_queue or queue, ts)
end
handlers.requeued = function(_, c, ts)
  local st = redis.call('HMGET', c, 'queue', 'waiting_since')
  if st[1] and not st[2] then startWait(c, st[1], ts) end  -- an offer taken back keeps its wait
end
handlers.overflow = function(e, c)
  if e.action == 'move' and redis.call('EXISTS', c) == 1 then redis.call('HSET', c, 'queue', e.queue) end
end
-- A rating (1-5) of a closed chat: a `rating` fact with the score, an `unrated` one taking back
-- the score it replaces (the last rating within the window counts), and the all-time count per
-- queue and score for /metrics (ratings taken, replaced ones included).
handlers.rated = function(e, _, ts)
  local score, previous = tonumber(e.score), tonumber(e.previous or '0') or 0
  if not score or score < 1 or score > 5 then return end
  local key = K.facts(math.floor(ts / 60000))
  local queue, agent = e.queue or '', e.agent or ''
  redis.call('RPUSH', key, 'rating\t' .. queue .. '\t' .. agent .. '\t' .. score)
  if previous >= 1 and previous <= 5 then
    redis.call('RPUSH', key, 'unrated\t' .. queue .. '\t' .. agent .. '\t' .. previous)
  end
  if keep > 0 then redis.call('EXPIRE', key, keep) end
  redis.call('HINCRBY', KEYS[3], 'csat|' .. queue .. '|' .. score, 1)
end
handlers.closed = function(_, c, ts)
  local st = redis.call('HMGET', c, 'queue', 'waiting_since', 'accepted', 'agent')
  if not st[1] then return end
  if st[2] then
    fact(ts, 'abandoned', st[1], '')
    if ts - tonumber(st[2]) > sla(st[1]) then fact(ts, 'abandoned_late', st[1], '') end
  elseif st[3] then
    fact(ts, 'handle', st[1], st[4], ts - tonumber(st[3]))
  end
  redis.call('DEL', c)
end

local entries = redis.call('XRANGE', KEYS[1], '(' .. cursor, upTo, 'COUNT', limit)
for _, entry in ipairs(entries) do
  local e = {}
  local fields = entry[2]
  for i = 1, #fields, 2 do e[fields[i]] = fields[i + 1] end
  local handler = handlers[e.type]
  local ts = tonumber(e.ts)
  if handler and ts and e.chat and e.chat ~= '' then handler(e, K.chat(e.chat), ts) end
  cursor = entry[1]
  redis.call('XACK', KEYS[1], group, cursor)
end
redis.call('SET', KEYS[2], cursor)
for i = 7, #ARGV do
  if not after(ARGV[i], cursor) then redis.call('XACK', KEYS[1], group, ARGV[i]) end
end
local more = 0
if #entries == limit or (upTo ~= '+' and after(upTo, cursor)) then more = 1 end
return {#entries, cursor, more}
