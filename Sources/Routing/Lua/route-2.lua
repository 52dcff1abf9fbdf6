-- Assigns waiting chats to agents, queue by queue in priority order, until nothing more fits.
-- KEYS[1] event stream   KEYS[2] timers
-- ARGV[1] the plan's SHA-1: the plan is stored once per workflow version under `plan:SHA1`
--   (`K.plan`; a key whose content never changes, so any router may read any router's), as JSON,
--   queues in priority order:
--   [{"queue": name, "strategy": "longest-idle" | "least-busy" | "round-robin" | "skills-weighted",
--     "offer_ms": 0 for auto accept, else the offer timeout, "reply_ms": the reply timeout (0: none),
--     "candidates": [{"jid": bare JID, "max": capacity, "level": skill level, "needs": overflow drops needed}]}]
--   Missing (never stored, evicted, expired): the error NOPLAN, and the caller stores it and runs again.
-- ARGV[2] the most assignments to make in this call (bounds the script's run time)
-- ARGV[3] milliseconds to hold the right to announce each chat given (0: take none): the caller
--   announces them at once, so the script takes that right (`announcing:ID`, as
--   `claimAnnouncement` does) here, saving a round trip before the agent's offer goes out.
-- Returns {assignments: a flat array, chat id, agent, queue, new state ('offered' | 'active') per
--   assignment; per assignment {1} where the right was taken, {} where not; the queues given
--   from that still have chats waiting (their positions moved)}.
--- @include "includes/keys"
--- @include "includes/clock"
--- @include "includes/routePass"

local stored = redis.call('GET', K.plan(ARGV[1]))
if not stored then return redis.error_reply('NOPLAN routing plan ' .. ARGV[1] .. ' is not stored') end
return routePass(cjson.decode(stored), tonumber(ARGV[2]), tonumber(ARGV[3] or '0') or 0, {timers = KEYS[2]})
