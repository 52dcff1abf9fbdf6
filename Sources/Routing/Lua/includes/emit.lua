--- @include "clock"

-- Appends a routing event to KEYS[1]: type, chat, queue, agent, time in ms, then extra field
-- pairs. The types are `RoutingEvent`'s cases (a test checks every one emitted here).
local function emit(kind, chat, queue, agent, ...)
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', 1000000, '*', 'type', kind, 'chat', chat or '',
    'queue', queue or '', 'agent', agent or '', 'ts', now, ...)
end
