-- What the agent of a chat just given or offered to them is told (`includes/takeHistory`): for a
-- chat announced apart from its routing pass (a leftover, a sweep).
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its transcript
-- ARGV[1] chat id
-- Returns {the chat's fields and values, flat; the transcript's lines (JSON)}, or {} if no such chat.
--- @include "includes/takeHistory"

return takeHistory(KEYS[2], KEYS[3])
