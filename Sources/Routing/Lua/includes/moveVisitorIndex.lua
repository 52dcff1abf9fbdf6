--- @include "keys"

-- A chat moved to another queue is found from the new queue's address too; the old one
-- keeps pointing at it, so a visitor writing where they started stays in the same chat.
-- The new address takes over from a closed (or expired) chat but not from the visitor's
-- other open chat there. The chat lists the queues it is indexed from (`indexed`, with
-- `from`), so closing it removes every index that names it and none outlives it.
local function moveVisitorIndex(chatKey, chat, from, to)
  local fields = redis.call('HMGET', chatKey, 'visitor', 'indexed')
  local visitor, indexed = fields[1], fields[2] or ''
  local key = K.visitor(to, visitor)
  local current = redis.call('GET', key)
  local take = not current
  if current and current ~= chat then
    local state = redis.call('HGET', K.chat(current), 'state')
    take = not state or state == 'closed'
  end
  if take then redis.call('SET', key, chat) end
  for _, queue in ipairs({from, to}) do
    if not string.find(' ' .. indexed .. ' ', ' ' .. queue .. ' ', 1, true) then
      indexed = indexed == '' and queue or indexed .. ' ' .. queue
    end
  end
  redis.call('HSET', chatKey, 'indexed', indexed)
end
