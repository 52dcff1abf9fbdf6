--- @include "keys"
--- @include "clock"
--- @include "give"
--- @include "recordAnswer"

-- A routing pass: assigns waiting chats to agents, queue by queue in the plan's order (the route
-- script's plan, decoded), until nothing more fits or `limit` assignments are made. `hold` > 0:
-- milliseconds to hold the right to announce each chat given (`announcing:ID`, as
-- `claimAnnouncement` does). `known`: keys the caller has in KEYS (timers).
-- Returns, as route-2.lua replies: {assignments: a flat array, chat id, agent, queue, new state
-- ('offered' | 'active') per assignment; per assignment {1} where the right was taken, {} where
-- not; the queues given from that still have chats waiting (their positions moved)}.

-- Strategy keys compare element by element; the smallest wins.
local function rank(strategy, candidate, index, pointer, n, load, lastRouted)
  local busy = load / candidate.max
  if strategy == 'least-busy' then return {busy, lastRouted} end
  if strategy == 'round-robin' then return {(index - pointer - 1) % n} end
  if strategy == 'skills-weighted' then return {-candidate.level, busy, lastRouted} end
  return {lastRouted, busy}  -- longest-idle: the agent routed to least recently
end

local function better(a, b)
  if b == nil then return true end
  for i = 1, #a do
    if a[i] ~= b[i] then return a[i] < b[i] end
  end
  return false
end

local function routePass(plan, limit, hold, known)
  local made = {}
  local count = 0
  for _, q in ipairs(plan) do
    local waiting = K.waiting(q.queue)
    local n = #q.candidates
    local pointer = tonumber(redis.call('GET', K.roundRobin(q.queue)) or '0')
    -- Chats at the head that no one can take now (declined by everyone free, or needing
    -- skills not yet dropped) are stepped over, a bounded number of them.
    local skipped = 0
    local forgotten = nil
    -- Each candidate's presence and load, read once per queue and pass (not once per
    -- waiting chat) and kept up to date as chats are given; with nobody free the queue's
    -- waiting chats are not looked at at all.
    local agents, free = {}, 0
    if redis.call('ZCARD', waiting) > 0 then
      for index, c in ipairs(q.candidates) do
        local a = redis.call('HMGET', K.agent(c.jid), 'presence', 'load', 'last_routed')
        local load = tonumber(a[2] or '0')
        agents[index] = {free = a[1] == 'available' and load < c.max, load = load, last = tonumber(a[3] or '0')}
        if agents[index].free then free = free + 1 end
      end
    end
    while count < limit and skipped < 20 and free > 0 do
      local head = redis.call('ZRANGE', waiting, skipped, skipped)[1]
      if not head then break end
      local dropped = tonumber(redis.call('HGET', K.chat(head), 'dropped') or '0')
      -- Who passed on it, read once (not asked of Redis per candidate: 500 calls a chat with 500).
      local declined = {}
      for _, jid in ipairs(redis.call('SMEMBERS', K.declined(head))) do declined[jid] = true end
      local best, bestRank, bestIndex
      local declinedOnly = false
      for index, c in ipairs(q.candidates) do
        if c.needs <= dropped then
          local a = agents[index]
          local load = a.load
          if a.free then
            if not declined[c.jid] then
              local r = rank(q.strategy, c, index, pointer, n, load, a.last)
              if better(r, bestRank) then best, bestRank, bestIndex = c, r, index end
            else
              declinedOnly = true
            end
          end
        end
      end
      if not best and declinedOnly and forgotten ~= head then
        -- Everyone who could take it now has passed on it: forget that and offer it round
        -- again, rather than leave it waiting for good.
        redis.call('DEL', K.declined(head))
        forgotten = head
      elseif best then
        redis.call('ZREM', waiting, head)
        local state = give(head, q.queue, best.jid, q.offer_ms, known, q.reply_ms)
        if state == 'active' then recordAnswer(head, q.queue, best.jid, known) end
        local a = agents[bestIndex]
        a.load, a.last = a.load + 1, now
        if a.load >= best.max then a.free, free = false, free - 1 end
        if q.strategy == 'round-robin' then
          pointer = bestIndex
          redis.call('SET', K.roundRobin(q.queue), pointer)
        end
        table.insert(made, head)
        table.insert(made, best.jid)
        table.insert(made, q.queue)
        table.insert(made, state)
        count = count + 1
      else
        skipped = skipped + 1
      end
    end
  end

  local histories, stillWaiting, looked = {}, {}, {}
  for i = 1, #made, 4 do
    local chat, queue = made[i], made[i + 2]
    if hold > 0 and redis.call('SET', K.announcing(chat), '1', 'NX', 'PX', hold) then
      -- Taken: the caller reads the history (`takeHistory-3`) right before telling the agent. Not
      -- here: the history sets `forwarded`, from which the chat's later lines go to the agent
      -- directly, and they would overtake an offer told after other assignments of this pass.
      -- (enqueue-6.lua takes that of the chat it opened: its router tells it as the reply comes.)
      table.insert(histories, {1})
    else
      table.insert(histories, {})
    end
    if not looked[queue] then
      looked[queue] = true
      if redis.call('ZCARD', K.waiting(queue)) > 0 then table.insert(stillWaiting, queue) end
    end
  end
  return {made, histories, stillWaiting}
end
