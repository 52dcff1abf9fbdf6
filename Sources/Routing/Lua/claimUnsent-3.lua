-- The visitor's lines the agent of an active chat has not been sent (written while the chat was
-- offered, or stored by a router that died before passing them on), claimed: the mark moves
-- past them, so no other router sends them again.
-- KEYS[1] event stream   KEYS[2] the chat   KEYS[3] its transcript
-- ARGV[1] chat id
-- Returns the lines (JSON, as in the transcript), oldest first (empty if none, or the chat is not active).
--- @include "includes/claimUnsent"

return claimUnsent(ARGV[1], nil)
