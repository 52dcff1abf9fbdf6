-- Whether any of the agents is available now: the check made for a new chat no routing pass
-- could place (`VisitorFlow.checkAgents`), stopping at the first available one. Read in Swift it
-- was one HGET per agent of the queue, pipelined, every reply parsed: 500 for each waiting chat
-- of the scale bench.
-- KEYS[1] event stream (for the prefix)   ARGV the agents' JIDs
-- Returns 1 if one of them is available, else 0.
--- @include "includes/keys"

for _, jid in ipairs(ARGV) do
  if redis.call('HGET', K.agent(jid), 'presence') == 'available' then return 1 end
end
return 0
