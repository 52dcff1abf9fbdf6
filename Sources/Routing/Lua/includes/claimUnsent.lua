--- @include "keys"

-- Claims the visitor's lines the agent of an active chat has not been sent yet, in order, and
-- moves the mark past them, so each line reaches the agent once whichever script claims it:
-- `said` counts a chat's visitor lines, `forwarded` how many its agent has been sent. Without
-- `forwarded` the agent has not been told of the chat yet, and its history will carry them.
-- `latest`: the line (JSON) just stored as number `said` (spares reading the transcript).
-- Returns the lines as stored (JSON), oldest first.
local function claimUnsent(id, latest)
  local chatKey = K.chat(id)
  local chat = redis.call('HMGET', chatKey, 'state', 'said', 'forwarded', 'announced')
  if chat[1] ~= 'active' then return {} end
  local said, forwarded = tonumber(chat[2]) or 0, tonumber(chat[3])
  if not forwarded then
    if chat[4] ~= '1' then return {} end
    -- Told of before marks were kept: every line but the one just stored went to the agent.
    forwarded = latest and said - 1 or said
  end
  if forwarded >= said then return {} end
  redis.call('HSET', chatKey, 'forwarded', said)
  if latest and forwarded == said - 1 then return {latest} end
  local unsent, lines = {}, redis.call('LRANGE', K.transcript(id), 0, -1)
  for index = #lines, 1, -1 do
    local line = cjson.decode(lines[index])
    if line.kind == 'visitor' then
      table.insert(unsent, 1, lines[index])
      if #unsent == said - forwarded then break end
    end
  end
  return unsent
end
