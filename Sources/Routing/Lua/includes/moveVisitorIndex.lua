--- @include "keys"

-- A chat moved to another queue is found from the new queue's address too; the old one
-- keeps pointing at it, so a visitor writing where they started stays in the same chat.
local function moveVisitorIndex(chatKey, chat, to)
  local visitor = redis.call('HGET', chatKey, 'visitor')
  redis.call('SET', K.visitor(to, visitor), chat, 'NX')
end
