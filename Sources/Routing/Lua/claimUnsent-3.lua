-- The visitor's lines the agent of an active chat has not been sent (written while the chat was
-- offered, or stored by a router that died before passing them on), claimed for a lease: send
-- them, then confirm them (`confirmSent-3.lua`). See includes/claimUnsent.lua.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its transcript
-- ARGV[1] chat id   ARGV[2] the claim's lease in ms
-- Returns {the count to confirm (0 if none claimed), 1 if a live claim of another sender holds
--          lines owed or 0, the lines (JSON, as in the transcript) oldest first...}.
--- @include "includes/claimUnsent"

return claimUnsent(ARGV[1], nil, tonumber(ARGV[2]))
