-- What the agent of a chat just given or offered to them is told: the chat and its transcript,
-- read in one step with the mark of the visitor's lines set to all of them, so a line written
-- while the chat was being assigned goes either in this history or to the agent later, once.
-- `told` keeps how many transcript lines this history holds: a correction of one of them names
-- an id the agent's client never saw (`includes/quoteIfTold`).
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its transcript
-- ARGV[1] chat id
-- Returns {the chat's fields and values, flat; the transcript's lines (JSON)}, or {} if no such chat.

local fields = redis.call('HGETALL', KEYS[2])
if #fields == 0 then return {} end
local state = redis.call('HGET', KEYS[2], 'state')
if state == 'offered' or state == 'active' then
  redis.call('HSET', KEYS[2], 'forwarded', redis.call('HGET', KEYS[2], 'said') or 0,
    'told', redis.call('LLEN', KEYS[3]))
  -- A claim for the last holder ends here: the history carries its lines.
  redis.call('HDEL', KEYS[2], 'claimed', 'claim_until')
end
return {fields, redis.call('LRANGE', KEYS[3], 0, -1)}
