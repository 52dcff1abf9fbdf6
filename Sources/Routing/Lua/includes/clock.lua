-- Now, in milliseconds by Redis's clock: every router and the stats agree on one clock.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
