-- What the agent of a chat just given or offered to them is told: the chat's fields and its
-- transcript, read in one step with the mark of the visitor's lines set to all of them, so a line
-- written while the chat was being assigned goes either in this history or to the agent later,
-- once. `told` keeps how many transcript lines this history holds: a correction of one of them
-- names an id the agent's client never saw (`includes/quoteIfTold`).
-- Returns {the chat's fields and values, flat; the transcript's lines (JSON)}, or {} if no such chat.
local function takeHistory(chatKey, transcriptKey)
  local fields = redis.call('HGETALL', chatKey)
  if #fields == 0 then return {} end
  local state = redis.call('HGET', chatKey, 'state')
  if state == 'offered' or state == 'active' then
    redis.call('HSET', chatKey, 'forwarded', redis.call('HGET', chatKey, 'said') or 0,
      'told', redis.call('LLEN', transcriptKey))
    -- A claim for the last holder ends here: the history carries its lines.
    redis.call('HDEL', chatKey, 'claimed', 'claim_until')
  end
  return {fields, redis.call('LRANGE', transcriptKey, 0, -1)}
end
