-- The stats key names, as `StatsKeys` (Swift) builds them: a test compares the two. They share the
-- event stream's prefix and hash tag ({prefix}:stats:...), so one Cluster slot holds them all.
-- KEYS[1] is the event stream.
local S = string.sub(KEYS[1], 1, -7) .. 'stats:'
local K = {
  applied = S .. 'applied', totals = S .. 'totals',
  facts = function(minute) return S .. 'facts:' .. minute end,
  chat = function(id) return S .. 'chat:' .. id end,
}
