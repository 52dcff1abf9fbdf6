--- @include "keys"

-- A correction (`line.replaces`) of one of the lines the chat's agent got inside the offer's
-- history (the first `told` lines of the transcript, as `takeHistory` left them) names an id
-- their client never saw, so it could not replace anything there: the line keeps the text it
-- corrects as `quote`, and the router relays it as a new line that quotes it.
local function quoteIfTold(line, chat)
  if line.replaces == nil then return end
  local told = tonumber(redis.call('HGET', K.chat(chat), 'told') or '') or 0
  if told <= 0 then return end
  local lines = redis.call('LRANGE', K.transcript(chat), 0, told - 1)
  for index = #lines, 1, -1 do
    local earlier = cjson.decode(lines[index])
    if earlier.id == line.replaces then
      line.quote = earlier.text
      return
    end
  end
end
