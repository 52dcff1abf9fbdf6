--- @include "keys"
--- @include "clock"

-- A visitor's lines reach the agent of an active chat in two steps, so that a router dying in
-- between loses none: a router claims the lines the agent has not been sent, sends them, and
-- only once the XMPP server took them (a ping after them answered, no error for them) confirms
-- them (`confirmSent-3.lua`).
-- The chat's counts: `said` its visitor lines, `forwarded` how many its agent was sent
-- (confirmed), `claimed` how many a sender has claimed, with its lease `claim_until` (Redis's
-- clock, ms). Without `forwarded` the agent has not been told of the chat yet, and its history
-- will carry the lines.
-- One sender per chat at a time: while a claim is live, lines stored meanwhile are left to its
-- holder, who takes them when it confirms; so the lines go in order, each once. A claim whose
-- lease ran out (its router died between claiming and confirming) is taken over whole by the
-- next claimer: a resend of one of its lines, an /accept, the agent coming back, or a router's
-- sweep of owed chats. Lines the server did not take are released at once to the next claimer.
-- What "exactly once" means across a crash: a line is never lost once stored (at least once),
-- and sent once unless the router died, or the link dropped, after the server took it and
-- before the router knew (a lost ping answer), or the router stalled past the lease; then the
-- agent gets it twice, with the same message id (`RelayedLineID`), which a client (the console)
-- drops; never none.
-- Returns {upTo, held elsewhere, lines...}: `upTo` the count to confirm once the lines are sent
-- (0: none claimed); `held elsewhere` 1 when lines are owed that a live claim of another sender
-- holds (the caller cannot say they were passed on).

-- The lines (JSON, as stored) from number `from` (exclusive) to `to` (inclusive), oldest first.
local function visitorLines(id, from, to)
  local lines, transcript = {}, redis.call('LRANGE', K.transcript(id), 0, -1)
  for index = #transcript, 1, -1 do
    if #lines == to - from then break end
    if cjson.decode(transcript[index]).kind == 'visitor' then table.insert(lines, 1, transcript[index]) end
  end
  return lines
end

-- `latest`: the line (JSON) just stored as number `said` (spares reading the transcript).
-- `leaseMs`: how long the claim holds before another sender may take it over.
local function claimUnsent(id, latest, leaseMs)
  local chatKey = K.chat(id)
  local chat = redis.call('HMGET', chatKey, 'state', 'said', 'forwarded', 'announced', 'claimed', 'claim_until')
  -- A closed chat only while marked owed (close-10): its agent is passed what they missed.
  if chat[1] ~= 'active' and not (chat[1] == 'closed' and redis.call('ZSCORE', K.owedClosed, id)) then return {0, 0} end
  local said, forwarded = tonumber(chat[2]) or 0, tonumber(chat[3])
  if not forwarded then
    if chat[4] ~= '1' then return {0, 0} end
    -- Told of before marks were kept: every line but the one just stored went to the agent.
    forwarded = latest and said - 1 or said
    redis.call('HSET', chatKey, 'forwarded', forwarded)
  end
  if (tonumber(chat[5]) or 0) > forwarded and (tonumber(chat[6]) or 0) > now then return {0, 1} end
  if forwarded >= said then return {0, 0} end
  redis.call('HSET', chatKey, 'claimed', said, 'claim_until', now + leaseMs)
  local reply = {said, 0}
  if latest and forwarded == said - 1 then
    table.insert(reply, latest)
  else
    for _, line in ipairs(visitorLines(id, forwarded, said)) do table.insert(reply, line) end
  end
  return reply
end
